// One queued "import" run: a series of ONNX checkpoints and a probe set give, per checkpoint, parameter norm and
// distance, kernel drift from the first, spectrum and output change, recorded as metrics keyed by checkpoint step.
// Runs in a worker thread like training; never throws for a failed run (the store holds the outcome).
import { z } from 'zod';
import { CodedError, failureOf } from '../../contract/result';
import { initBackend } from '../backend';
import { seriesDrift } from '../onnx/import/import-service';
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
});
export type ImportConfig = z.infer<typeof importConfigSchema>;

export async function runImportJob(store: Store, runId: RunId, options: { signal?: AbortSignal; listener?: RunListener } = {}): Promise<void> {
  const { listener } = options;
  try {
    const parsed = importConfigSchema.safeParse(store.runs.get(runId).config);
    if (!parsed.success) throw new CodedError('config/invalid', `import run ${runId}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const config = parsed.data;
    const backend = await initBackend('auto');
    store.runs.markRunning(runId, { ...backend });
    listener?.onStatus?.('running', null);
    const started = Date.now();
    const probe = await loadProbeSet(config.probe);
    const report = await seriesDrift(
      config.models.map((path) => ({ path })),
      probe,
      { kernel: config.kernel, freeze: config.freeze, logits: !config.keepSoftmax },
      (p) => {
        const elapsedSeconds = (Date.now() - started) / 1000;
        listener?.onProgress?.({ runId, step: p.index, total: p.total, loss: null, elapsedSeconds, etaSeconds: p.index > 0 ? (elapsedSeconds / p.index) * (p.total - p.index) : null });
      },
    );
    const rows: MetricRow[] = report.entries.flatMap((e) => {
      const wallTime = e.ms / 1000;
      const values: [string, number][] = [
        ['paramNorm', e.paramNorm],
        ['paramDistance', e.paramDistance],
        ['relDrift', e.relDrift],
        ['lambdaMin', e.lambdaMin],
        ['lambdaMax', e.lambdaMax],
        ['outputChange', e.outputChange],
        ['maxAbsOutputChange', e.maxAbsOutputChange],
        ['validation/maxAbsError', e.validation.maxAbsError],
      ];
      return values.map(([name, value]) => ({ step: e.step, wallTime, name, value }));
    });
    store.metrics.append(runId, rows);
    listener?.onPoints?.(report.entries.map((e) => ({ step: e.step, wallTime: e.ms / 1000, values: Object.fromEntries(rows.filter((r) => r.step === e.step).map((r) => [r.name, r.value])) })));
    const summary = { checkpoints: report.entries.length, model: report.model, probe: report.probe, kernel: report.kernel, files: report.entries.map((e) => ({ file: e.file, step: e.step })) };
    if (options.signal?.aborted) {
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
