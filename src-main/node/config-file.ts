// Reads and validates run configs: JSON text or plain data -> the typed config of a run kind with defaults filled,
// or a `config/invalid` error whose message lists every problem with its path, in words a researcher can act on.
// Every config is parsed here once where it enters (a request, a config file, a patch) and once where a worker
// loads it from the store.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { importConfigSchema } from '../contract/import-config';
import type { RunConfigs, RunKind } from '../contract/records';
import { CodedError } from '../contract/result';
import { type RunConfig, runConfigSchema } from '../contract/run-config';
import { describeIssues } from '../contract/zod-issues';

function parseWith<S extends z.ZodType>(schema: S, what: string, value: unknown, source: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CodedError('config/invalid', `${source} is not a valid ${what}:\n  ${describeIssues(parsed.error).join('\n  ')}`);
  return parsed.data;
}

export function parseRunConfig(value: unknown, source = 'config'): RunConfig {
  return parseWith(runConfigSchema, 'run config', value, source);
}

/** The config of a run of `kind`. */
export function parseConfigOf<K extends RunKind>(kind: K, value: unknown, source = 'config'): RunConfigs[K] {
  if (kind === 'train') return parseRunConfig(value, source) as RunConfigs[K];
  return parseWith(importConfigSchema, 'import config', value, source) as RunConfigs[K];
}

/** The JSON value in a file a user wrote (a config, a sweep spec): one that cannot be read or parsed is `config/invalid`. */
export async function readConfigJson(path: string, what = 'config'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CodedError('config/invalid', `cannot read ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CodedError('config/invalid', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function readRunConfig(path: string): Promise<RunConfig> {
  return parseRunConfig(await readConfigJson(path), path);
}
