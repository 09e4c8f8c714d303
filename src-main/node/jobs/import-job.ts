// One queued "import" run: a series of ONNX checkpoints and a probe set give, per checkpoint, parameter norm and
// distance, kernel drift from the first, spectrum and output change, recorded as metrics keyed by checkpoint step.
// Each checkpoint's metrics and kernel are committed (and streamed) as soon as it is measured, so charts and
// heatmaps grow live and a cancelled series keeps what it finished. Runs in a worker thread like training; never throws for a failed run.
import { z } from 'zod';
import type { MetricPointDto } from '../../contract/api';
import { CodedError, failureOf } from '../../contract/result';
import { addTimings, secondsSince, zeroTimings } from '../../contract/stage-timings';
import { initBackend } from '../backend';
import type { DriftEntry } from '../onnx/import/checkpoint-drift';
import { seriesDrift } from '../onnx/import/import-service';
import { parseBindings } from '../onnx/import/input-binding';
import { loadProbeSet } from '../onnx/import/probe-set';
import type { Store } from '../store/store';
import type { MetricRow, RunId } from '../store/types';
import type { RunListener } from './store-sink';

/** The config of an import run, as stored with it. */
export const importConfigSchema = z.strictObject({
  models: z.array(z.string().min(1).max(4096)).min(1).max(10_000),
  probe: z.string().min(1).max(4096),
  kernel: z.enum(['full', 'trace']).default('trace'),
  freeze: z.array(z.string().min(1)).max(10_000).optional(),
  keepSoftmax: z.boolean().default(false),
  /** Values for the model's other graph inputs (zeros, a number, a file path) and which input takes the samples. */
  bind: z.record(z.string().min(1), z.union([z.string().min(1), z.number()])).optional(),
  inputName: z.string().min(1).optional(),
  /** Training step per checkpoint, in the order of `models`; default from the file names. */
  steps: z.array(z.number().int().nonnegative()).max(10_000).optional(),
});
export type ImportConfig = z.infer<typeof importConfigSchema>;

/** One checkpoint as a metric point; wallTime is seconds since the job started, kernelSeconds that checkpoint's eNTK. */
function pointOf(e: DriftEntry, wallTime: number): MetricPointDto & { readonly values: Readonly<Record<string, number>> } {
  return {
    step: e.step,
    wallTime,
    values: {
      paramNorm: e.paramNorm,
      paramDistance: e.paramDistance,
      relDrift: e.relDrift,
      lambdaMin: e.lambdaMin,
      lambdaMax: e.lambdaMax,
      outputChange: e.outputChange,
      maxAbsOutputChange: e.maxAbsOutputChange,
      'validation/maxAbsError': e.validation.maxAbsError,
      kernelSeconds: e.ms / 1000,
    },
  };
}

export async function runImportJob(store: Store, runId: RunId, options: { signal?: AbortSignal; listener?: RunListener } = {}): Promise<void> {
  const { signal, listener } = options;
  try {
    const parsed = importConfigSchema.safeParse(store.runs.get(runId).config);
    if (!parsed.success) throw new CodedError('config/invalid', `import run ${runId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const config = parsed.data;
    const readStart = performance.now();
    const backend = await initBackend('auto');
    store.runs.markRunning(runId, { ...backend });
    listener?.onStatus?.('running', null);
    const started = Date.now();
    const elapsed = () => (Date.now() - started) / 1000;
    const progress = (done: number, total: number) => {
      const elapsedSeconds = elapsed();
      listener?.onProgress?.({ runId, step: done, total, loss: null, elapsedSeconds, etaSeconds: done > 0 ? (elapsedSeconds / done) * (total - done) : null });
    };
    const probe = await loadProbeSet(config.probe);
    const read = secondsSince(readStart);
    progress(0, config.models.length);
    const report = await seriesDrift(config.models.map((path) => ({ path })), probe, {
      kernel: config.kernel,
      freeze: config.freeze,
      logits: !config.keepSoftmax,
      bind: await parseBindings(config.bind),
      inputName: config.inputName,
      steps: config.steps,
      signal,
      onEntry: (entry, index, total, snapshot) => {
        const point = pointOf(entry, elapsed());
        const rows: MetricRow[] = Object.entries(point.values).map(([name, value]) => ({ step: point.step, wallTime: point.wallTime, name, value }));
        store.metrics.append(runId, rows);
        store.kernels.put(runId, { step: entry.step, kind: snapshot.kind, rows: snapshot.rows, data: snapshot.kernel, eigenvalues: snapshot.eigenvalues });
        listener?.onPoints?.([point]);
        listener?.onKernel?.(entry.step);
        progress(index + 1, total);
      },
    });
    const last = report.entries.at(-1);
    const warnings = report.entries.flatMap((e) => (e.warnings ?? []).map((w) => `${e.file}: ${w}`));
    const summary = {
      checkpoints: report.entries.length,
      model: report.model,
      probe: report.probe,
      kernel: report.kernel,
      files: report.entries.map((e) => ({ file: e.file, step: e.step })),
      ...(warnings.length > 0 ? { warnings } : {}),
      ...(last ? { finalRelDrift: last.relDrift, finalParamDistance: last.paramDistance } : {}),
      // Seconds per stage over the series (write: none, each checkpoint's rows are committed as they come).
      timings: report.entries.reduce((sum, e) => addTimings(sum, e.timings), { ...zeroTimings(), read }),
    };
    if (report.cancelled) {
      store.runs.markCancelled(runId, summary);
      listener?.onStatus?.('cancelled', null);
    } else {
      store.runs.markDone(runId, summary);
      listener?.onStatus?.('done', null);
    }
  } catch (error) {
    const failure = failureOf(error);
    store.runs.markFailed(runId, failure);
    listener?.onStatus?.('failed', failure);
  }
}
