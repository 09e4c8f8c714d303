// A run's arrays for numpy users, every value kept: each stored kernel as float64 .npy and all of them in one .npz,
// the spectra as one float64 .npy (a row per kernel step), the initial and final parameters as .npz (float32, one
// member per tensor, named), and arrays.json naming shapes, the sample-major ordering and the trace convention.
import { encodeNpy } from '../../core/io/npy';
import { encodeNpz } from '../../core/io/npz';
import { toJson } from '../run-output/run-writer';
import type { ReportRun } from './report-run';

export interface ExportFile {
  /** Relative to the export folder, with '/' separators. */
  readonly path: string;
  readonly bytes: Uint8Array | string;
}

const stepName = (step: number) => `step-${String(step).padStart(9, '0')}`;

export function runArrayFiles(run: ReportRun): ExportFile[] {
  const files: ExportFile[] = [];
  const ntk = (run.config.ntk ?? {}) as { kernel?: string; traceNormalization?: string };
  const kernels: { step: number; kind: string; shape: number[]; file: string; key: string }[] = [];
  const members: { name: string; array: { shape: number[]; dtype: 'float64'; data: Float64Array } }[] = [];
  const spectra: { step: number; values: Float64Array }[] = [];
  for (const info of run.kernelList()) {
    const record = run.kernel(info.step, info.kind);
    if (!record) continue;
    if (record.data) {
      const key = `${stepName(info.step)}-${info.kind}`;
      const array = { shape: [record.rows, record.cols], dtype: 'float64' as const, data: record.data };
      files.push({ path: `kernels/${key}.npy`, bytes: encodeNpy(array) });
      members.push({ name: key, array });
      kernels.push({ step: info.step, kind: info.kind, shape: [record.rows, record.cols], file: `kernels/${key}.npy`, key });
    }
    if (record.eigenvalues && record.eigenvalues.length > 0) spectra.push({ step: info.step, values: record.eigenvalues });
  }
  if (members.length > 0) files.push({ path: 'kernels.npz', bytes: encodeNpz(members) });
  const width = Math.max(0, ...spectra.map((s) => s.values.length));
  if (spectra.length > 0) {
    // Ragged spectra (a kind change mid-run) are padded with NaN to one rectangle.
    const data = new Float64Array(spectra.length * width).fill(NaN);
    spectra.forEach((s, i) => data.set(s.values, i * width));
    files.push({ path: 'spectra.npy', bytes: encodeNpy({ shape: [spectra.length, width], dtype: 'float64', data }) });
  }
  const params: Record<string, unknown> = {};
  for (const which of ['initial', 'final'] as const) {
    const set = run.params(which);
    if (!set) continue;
    files.push({ path: `params-${which}.npz`, bytes: encodeNpz(set.map((p) => ({ name: p.name, array: { shape: [...p.shape], dtype: 'float32' as const, data: p.values } }))) });
    params[which] = { file: `params-${which}.npz`, dtype: 'float32', tensors: set.map((p) => ({ name: p.name, shape: [...p.shape] })) };
  }
  const sidecar = {
    format: 'ntk-workbench/arrays@1',
    run: { id: run.id, name: run.name, kind: run.kind, status: run.status, partial: run.partial },
    dtype: 'float64, little-endian (numpy <f8)',
    ordering: 'sample-major: a full kernel has n k rows, row i * k + a is output a of sample i',
    trace:
      ntk.kernel === 'trace'
        ? `trace kernel [n, n]: the k diagonal output blocks ${ntk.traceNormalization === 'mean' ? 'averaged (divided by k, as neural-tangents)' : 'summed'}`
        : 'full kernels are not traced; a trace kernel sums the k diagonal output blocks (ntk.traceNormalization "mean" divides by k)',
    kernels,
    npz: members.length > 0 ? { file: 'kernels.npz', keys: members.map((m) => m.name) } : null,
    spectra: spectra.length > 0 ? { file: 'spectra.npy', shape: [spectra.length, width], steps: spectra.map((s) => s.step), order: 'ascending eigenvalues per row' } : null,
    params,
  };
  files.push({ path: 'arrays.json', bytes: `${toJson(sidecar, 2)}\n` });
  return files;
}
