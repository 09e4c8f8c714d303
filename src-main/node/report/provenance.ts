// Where a run's data came from, for a reader without the workbench: the generator and its seed, the MNIST subset,
// or the data files with their sha256 (so a colleague can check they hold the same bytes); for an import run the
// checkpoint files and the probe set.
import { resolve } from 'node:path';
import type { ReportRun } from './report-run';
import { sha256File } from './environment';

async function fileRow(label: string, path: string, base: string | undefined): Promise<[string, string]> {
  const full = base && !path.startsWith('mnist:') ? resolve(base, path) : path;
  const digest = path.startsWith('mnist:') ? null : await sha256File(full);
  return [label, `${path}${digest ? `  sha256 ${digest}` : path.startsWith('mnist:') ? '' : '  (not readable here: no checksum)'}`];
}

export async function dataProvenance(run: ReportRun): Promise<[string, string][]> {
  const base = run.origin.kind === 'folder' ? run.origin.dir : undefined;
  const dataset = (run.backend?.dataset ?? null) as { description?: string; n?: number; d?: number; classes?: number } | null;
  const described: [string, string][] = dataset?.description ? [['dataset', `${dataset.description} (n = ${dataset.n}, d = ${dataset.d}, classes = ${dataset.classes})`]] : [];
  if (run.kind === 'import') {
    const models = (Array.isArray(run.config.models) ? run.config.models : Array.isArray(run.config.files) ? run.config.files : []) as string[];
    const probe = typeof run.config.probe === 'string' ? run.config.probe : ((run.config.probe as { source?: string } | undefined)?.source ?? null);
    const rows: [string, string][] = [];
    if (probe) rows.push(await fileRow('probe set', probe, base));
    for (const [i, m] of models.entries()) rows.push(await fileRow(`checkpoint ${i + 1}`, m, base));
    return rows;
  }
  const data = (run.config.data ?? {}) as Record<string, unknown>;
  const seed = run.config.seed;
  switch (data.kind) {
    case 'file': {
      const rows: [string, string][] = [['generator', 'data files']];
      if (typeof data.inputs === 'string') rows.push(await fileRow('inputs', data.inputs, base));
      if (typeof data.labels === 'string') rows.push(await fileRow('labels', data.labels, base));
      return [...rows, ...described];
    }
    case 'mnist':
      return [['generator', `MNIST subset: n = ${data.n}, labels ${data.labels}, balanced ${data.balanced}, seed ${data.seed ?? seed}`], ...described];
    default:
      return [['generator', `${String(data.kind)} (${Object.entries(data).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')})`], ['seed', String(data.seed ?? seed)], ...described];
  }
}
