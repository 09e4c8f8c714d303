// The app's Slurm export (sweeps:export-slurm): a folder under exports/ with the spec, the runs and an sbatch script
// using relative paths, whose files downloads:read serves; run as array task 0 from inside the folder, the script
// completes the sweep there. Bad specs answer config/invalid with their paths.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, cliEnv } from '../../helpers/cli';
import { createTestService, type TestService } from '../../helpers/test-service';

let service: TestService | undefined;
afterAll(() => service?.dispose());

const spec = {
  name: 'export me',
  base: { steps: 5, model: { arch: 'fcn', depth: 2, width: 8 }, loss: { kind: 'bce' }, optimizer: { lr: 0.1 }, data: { kind: 'circle', n: 4 }, logging: { metrics: { every: 5 }, kernels: { every: 5 } } },
  axes: {},
  seeds: [7],
};

describe('sweeps:export-slurm', () => {
  it('writes a folder to copy to a cluster, with a script that runs the sweep from inside it', async () => {
    service = await createTestService('ipc');
    const bundle = await service.handlers['sweeps:export-slurm']({ spec, slurm: { partition: 'short', cpusPerTask: 2, time: '1:00:00' } });
    expect(bundle.dir.startsWith(`${service.workspaceDir}/exports/sweep-export-me-`)).toBe(true);
    expect(bundle.runs).toBe(1);
    expect(bundle.tasks).toBe(1);
    expect(bundle.script).toContain('#SBATCH --partition=short');
    expect(bundle.script).toContain('#SBATCH --cpus-per-task=2');
    expect(bundle.script).toContain('#SBATCH --output=logs/%A_%a.out');
    expect(bundle.script).toContain('workbench=(ntk-workbench)');
    expect(bundle.script).toContain('sweep spec.json --out . --shard "${SLURM_ARRAY_TASK_ID}/1" --jobs 2 --quiet');
    expect(bundle.commands[1]).toMatch(/^ssh CLUSTER 'cd sweep-export-me-\S+ && sbatch sweep.sbatch'$/);
    const script = bundle.files.find((f) => f.endsWith('sweep.sbatch'))!;
    const chunk = await service.handlers['downloads:read']({ path: script, offset: 0 });
    expect(Buffer.from(chunk.data, 'base64').toString('utf8')).toBe(bundle.script);

    // Array task 0, as slurmd would start it: in the submit folder, with the CLI of this checkout.
    const { stdout } = await promisify(execFile)('bash', [script], {
      cwd: '/',
      env: cliEnv({ SLURM_SUBMIT_DIR: bundle.dir, SLURM_ARRAY_TASK_ID: '0', NTK_WORKBENCH: `${process.execPath} ${CLI_BIN}` }),
    });
    expect(stdout).toContain('shard 0/1 of sweep "export me": 1 completed');
    const record = JSON.parse(await readFile(`${bundle.dir}/sweep.json`, 'utf8')) as { runs: { id: string }[] };
    expect(JSON.parse(await readFile(`${bundle.dir}/${record.runs[0].id}/summary.json`, 'utf8')).status).toBe('completed');
  });

  it('answers config/invalid naming an unknown axis path', async () => {
    service ??= await createTestService('ipc');
    await expect(service.handlers['sweeps:export-slurm']({ spec: { ...spec, axes: { 'model.depht': [2] } } })).rejects.toThrow(
      'axes.model.depht: unknown config path (model has no field "depht")',
    );
  });
});
