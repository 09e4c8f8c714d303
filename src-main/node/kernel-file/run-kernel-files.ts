// What a run's kernel folder holds, read from the sidecars (never from the .npy data): one KernelFileDto per
// checkpoint file, for the run's summary and for a live view of a run still writing blocks or one that was interrupted
// before it could write its summary. Sidecars are replaced atomically, so a read never sees half of one.
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KernelFileDto } from '../../contract/api';
import { readKernelSidecar } from './blocked-kernel-file';
import { runKernelDir } from './run-kernel-dir';

/** One kernel file as the summary and the run view describe it, from its sidecar. */
export async function kernelFileDto(step: number, path: string): Promise<KernelFileDto> {
  const sidecar = await readKernelSidecar(path);
  const spectrum = sidecar.spectrum as KernelFileDto['spectrum'] | undefined;
  return {
    step,
    path,
    shape: sidecar.shape,
    dtype: sidecar.dtype,
    bytes: (await stat(path)).size,
    blockSize: sidecar.blockSize,
    blocks: { done: sidecar.blocks.done.length, total: sidecar.blocks.total },
    complete: sidecar.complete,
    seconds: sidecar.seconds,
    ...(spectrum ? { spectrum } : {}),
  };
}

/** The run's kernel files by step ([] when it has no folder). */
export async function listRunKernelFiles(workspaceDir: string, runId: number): Promise<KernelFileDto[]> {
  const dir = runKernelDir(workspaceDir, runId);
  if (!existsSync(dir)) return [];
  const steps = (await readdir(dir)).flatMap((name) => {
    const match = /^step-(\d+)\.npy\.json$/.exec(name);
    return match && existsSync(join(dir, `step-${match[1]}.npy`)) ? [Number(match[1])] : [];
  });
  steps.sort((a, b) => a - b);
  return Promise.all(steps.map((step) => kernelFileDto(step, join(dir, `step-${step}.npy`))));
}
