// Fault class "a run too big for this host": width 65536 at depth 3 (about 8.6e9 parameters) is refused before
// anything is allocated, with the estimate and the available memory in the message, through the service (no run is
// created), the CLI (no run folder, no stored run) and the training setup (file data, checked once loaded).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CodedError } from '../../src-main/contract/result';
import { estimateRunMemory, formatBytes } from '../../src-main/contract/run-memory';
import { parseRunConfig } from '../../src-main/node/config-file';
import { assertRunFits, availableMemory } from '../../src-main/node/memory-guard';
import { createWorkbenchService } from '../../src-main/node/service/workbench-service';
import type { WorkbenchService } from '../../src-main/node/service/workbench-service-types';
import { setUpTraining } from '../../src-main/node/train-setup';

const huge = { steps: 10, model: { arch: 'fcn', depth: 3, width: 65_536 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle' } };
const hugeEstimate = formatBytes(estimateRunMemory(parseRunConfig(huge))?.bytes ?? NaN);

/** The message states the estimate and an available figure in the same units. */
function expectRefusal(message: string): void {
  expect(message).toContain(`needs about ${hugeEstimate} of memory`);
  expect(message).toMatch(/8,590,131,200 parameters/);
  expect(message).toMatch(/but \d+(\.\d)? [KMGT]iB is available on this host/);
}

describe('the estimate of the oversized config', () => {
  it('is far beyond this host, so every path below must refuse it', () => {
    const estimate = estimateRunMemory(parseRunConfig(huge));
    expect(estimate?.paramCount).toBe(2 * 65_536 + 2 * 65_536 ** 2 + 65_536);
    expect(estimate?.bytes).toBeGreaterThan(availableMemory());
  });
});

describe('service', () => {
  let service: WorkbenchService;
  beforeAll(async () => {
    service = await createWorkbenchService({ workspaceDir: await mkdtemp(join(tmpdir(), 'ntk-mem-')), transport: 'web' });
  });
  afterAll(async () => service.close());

  it('refuses runs:start with train/insufficient-memory and creates no run', async () => {
    const project = await service.handlers['projects:create']({ name: 'too big' });
    const error = await Promise.resolve()
      .then(() => service.handlers['runs:start']({ projectId: project.id, config: huge }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodedError);
    expect((error as CodedError).code).toBe('train/insufficient-memory');
    expectRefusal((error as CodedError).message);
    expect(await service.handlers['runs:list']({ projectId: project.id })).toEqual([]);
  });
});

describe('CLI train', () => {
  it('exits 1 with the coded error before creating the run folder or a stored run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-mem-cli-'));
    const workspace = join(dir, 'workspace');
    await writeFile(join(dir, 'huge.json'), JSON.stringify(huge));
    const bin = join(__dirname, '..', '..', 'bin', 'ntk-workbench.js');
    const result = await promisify(execFile)(process.execPath, [bin, 'train', '--config', join(dir, 'huge.json'), '--out', join(dir, 'out'), '--workspace', workspace], {
      env: { ...process.env, NTK_BACKEND: 'cpu' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect('code' in result ? result.code : 0).toBe(1);
    const stderr = result.stderr;
    expect(stderr).toMatch(/^error \[train\/insufficient-memory\]: /);
    expectRefusal(stderr);
    expect(await readdir(dir)).toEqual(['huge.json']);
  });
});

describe('training setup', () => {
  it('checks file data once loaded, when the config alone cannot tell its size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ntk-mem-file-'));
    const inputs = join(dir, 'points.json');
    await writeFile(inputs, JSON.stringify({ inputs: [[1, 0], [0, 1], [-1, 0], [0, -1]], labels: [0, 1, 0, 1] }));
    const config = parseRunConfig({ ...huge, data: { kind: 'file', inputs } });
    expect(() => assertRunFits(config)).not.toThrow();
    const error = await setUpTraining(config).catch((e: unknown) => e);
    expect((error as CodedError).code).toBe('train/insufficient-memory');
    expectRefusal((error as CodedError).message);
  });

  it('lets a run through that fits, and refuses the same run when less is available', () => {
    const config = parseRunConfig({ ...huge, model: { arch: 'fcn', depth: 3, width: 64 } });
    const bytes = estimateRunMemory(config)?.bytes ?? NaN;
    expect(() => assertRunFits(config, undefined, bytes)).not.toThrow();
    expect(() => assertRunFits(config, undefined, bytes - 1)).toThrow(/needs about .* but .* is available/);
  });
});
