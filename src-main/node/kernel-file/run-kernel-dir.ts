// Where an import run keeps its blocked kernel files: <workspace>/kernels/run-<id>/step-<step>.npy with the sidecar
// beside each. The folder belongs to the run: deleting the run (or its project) deletes it; nothing else writes there.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const kernelsDir = (workspaceDir: string): string => join(workspaceDir, 'kernels');

export const runKernelDir = (workspaceDir: string, runId: number): string => join(kernelsDir(workspaceDir), `run-${runId}`);

export const checkpointKernelPath = (workspaceDir: string, runId: number, step: number): string => join(runKernelDir(workspaceDir, runId), `step-${step}.npy`);

/** The workspace folder of a store file (<workspace>/workbench.sqlite). */
export const workspaceOfStore = (storePath: string): string => dirname(storePath);

/** Removes the runs' kernel folders (absent ones are fine). */
export async function removeRunKernels(workspaceDir: string, runIds: readonly number[]): Promise<void> {
  for (const id of runIds) {
    const dir = runKernelDir(workspaceDir, id);
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
  }
}
