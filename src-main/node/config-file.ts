// Reads and validates run configs: JSON text -> RunConfig with defaults filled, or a `config/invalid` error whose
// message lists every problem with its path, in words a researcher can act on.
import { readFile } from 'node:fs/promises';
import { describeConfigIssues, type RunConfig, runConfigSchema } from '../contract/run-config';
import { CodedError } from '../contract/result';

export function parseRunConfig(value: unknown, source = 'config'): RunConfig {
  const parsed = runConfigSchema.safeParse(value);
  if (!parsed.success) throw new CodedError('config/invalid', `${source} is not a valid run config:\n  ${describeConfigIssues(parsed.error).join('\n  ')}`);
  return parsed.data;
}

export async function readRunConfig(path: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CodedError('config/invalid', `cannot read config ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CodedError('config/invalid', `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseRunConfig(json, path);
}
