// What a workspace project holds after a merge, by run name: config, tags, every metric's values and steps, every
// kernel snapshot and the parameter artifacts, as bytes, so two workspaces can be compared exactly.
import { openStore } from '../../src-main/node/store/store';
import { storePathIn } from '../../src-main/node/store/workspace-dir';

export interface MergedRun {
  readonly status: string;
  readonly config: Record<string, unknown>;
  readonly tags: readonly string[];
  /** name -> steps and values as little-endian bytes (base64); wall times left out (they differ run to run). */
  readonly metrics: Record<string, { steps: string; values: string }>;
  readonly kernels: { step: number; kind: string; data: string | null; eigenvalues: string | null; sweep: string | null }[];
  readonly params: Record<string, string>;
}

const b64 = (array: ArrayBufferView | undefined): string | null => (array ? Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64') : null);

export function mergedRuns(workspace: string, projectName: string): Map<string, MergedRun> {
  const store = openStore(storePathIn(workspace));
  try {
    const project = store.projects.find(projectName);
    if (!project) throw new Error(`no project ${projectName} in ${workspace}`);
    const out = new Map<string, MergedRun>();
    for (const run of store.runs.list(project.id)) {
      if (out.has(run.name)) throw new Error(`run ${run.name} is in the project twice`);
      const metrics = Object.fromEntries(
        Object.entries(store.metrics.read(run.id)).map(([name, series]) => [name, { steps: b64(series.steps)!, values: b64(series.values)! }]),
      );
      const kernels = store.kernels.list(run.id).map((info) => {
        const k = store.kernels.get(run.id, info.step, info.kind)!;
        return { step: k.step, kind: k.kind, data: b64(k.data), eigenvalues: b64(k.eigenvalues), sweep: b64(k.sweep) };
      });
      const params = Object.fromEntries(store.artifacts.list(run.id).map((a) => [a.name, b64(store.artifacts.get(run.id, a.name)?.bytes)!]));
      out.set(run.name, { status: run.status, config: run.config, tags: run.tags, metrics, kernels, params });
    }
    return out;
  } finally {
    store.close();
  }
}
