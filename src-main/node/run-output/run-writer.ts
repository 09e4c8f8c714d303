// Lays a run out on disk for numpy/pandas users: config.json, metrics.jsonl (one line per logged step),
// kernels/*.npy (float64, sample-major), spectra.jsonl, sweep.json, analytic.npy, params/{initial,final}, summary.json.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeNpy } from '../../core/io/npy';
import type { ParamSet } from '../../core/models/params';
import type { KernelSnapshot, MetricsRecord, RunStartInfo, RunSummary } from '../../core/train/train-types';
import { CodedError } from '../../contract/result';
import { writeFileAtomic } from '../atomic-write';
import { saveParams } from '../params-io';

/** JSON with typed arrays as lists and non-finite numbers as null (JSON has no NaN). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    },
    indent,
  );
}

export interface RunWriter {
  start(meta: Record<string, unknown>, info: RunStartInfo): Promise<void>;
  metrics(record: MetricsRecord): Promise<void>;
  kernel(snapshot: KernelSnapshot): Promise<void>;
  finish(summary: RunSummary & Record<string, unknown>, initial: ParamSet, final: ParamSet): Promise<void>;
}

export async function createRunWriter(dir: string, options: { saveKernels: boolean }): Promise<RunWriter> {
  try {
    await mkdir(join(dir, 'kernels'), { recursive: true });
  } catch (error) {
    throw new CodedError('io/failed', `cannot create output folder ${dir}: ${(error as Error).message}`);
  }
  const kernelIndex: { step: number; file: string; kind: string; rows: number }[] = [];
  let sweep: { phis?: Float64Array; analytic?: Float64Array; steps: { step: number; values: Float64Array }[] } = { steps: [] };
  const append = async (file: string, line: string) => {
    try {
      await appendFile(join(dir, file), `${line}\n`);
    } catch (error) {
      throw new CodedError('io/failed', `cannot append to ${join(dir, file)}: ${(error as Error).message}`);
    }
  };
  return {
    async start(meta, info) {
      const { analyticKernel, sweepPhis, sweepAnalytic, ...rest } = info;
      await writeFileAtomic(join(dir, 'config.json'), `${toJson({ ...meta, run: rest }, 2)}\n`);
      await writeFileAtomic(join(dir, 'metrics.jsonl'), '');
      if (analyticKernel) {
        const n = Math.round(Math.sqrt(analyticKernel.length));
        await writeFileAtomic(join(dir, 'analytic.npy'), encodeNpy({ shape: [n, n], dtype: 'float64', data: analyticKernel }));
      }
      sweep = { phis: sweepPhis, analytic: sweepAnalytic, steps: [] };
    },
    async metrics(record) {
      await append('metrics.jsonl', toJson(record));
    },
    async kernel(snapshot) {
      if (options.saveKernels) {
        const file = `kernels/step-${String(snapshot.step).padStart(9, '0')}.npy`;
        await writeFileAtomic(join(dir, file), encodeNpy({ shape: [snapshot.rows, snapshot.rows], dtype: 'float64', data: snapshot.kernel }));
        kernelIndex.push({ step: snapshot.step, file, kind: snapshot.kind, rows: snapshot.rows });
        await writeFileAtomic(join(dir, 'kernels', 'index.json'), `${toJson(kernelIndex, 2)}\n`);
      }
      if (snapshot.eigenvalues) await append('spectra.jsonl', toJson({ step: snapshot.step, eigenvalues: snapshot.eigenvalues }));
      if (snapshot.sweep) {
        sweep.steps.push({ step: snapshot.step, values: snapshot.sweep });
        await writeFileAtomic(join(dir, 'sweep.json'), `${toJson(sweep)}\n`);
      }
    },
    async finish(summary, initial, final) {
      await saveParams(join(dir, 'params', 'initial'), initial);
      await saveParams(join(dir, 'params', 'final'), final);
      await writeFileAtomic(join(dir, 'summary.json'), `${toJson(summary, 2)}\n`);
    },
  };
}
