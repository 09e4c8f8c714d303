// One queued "import" run: a series of ONNX checkpoints and a probe set give, per checkpoint, parameter norm and
// distance, kernel drift from the first, spectrum and output change, recorded as metrics keyed by checkpoint step.
// Each checkpoint's metrics and kernel are committed (and streamed) as soon as it is measured, so charts and
// heatmaps grow live and a cancelled series keeps what it finished. With `blocked` in the config the kernels go to
// files instead (blocked-import.ts). Runs in a worker thread like training; never throws for a failed run
// (run-lifecycle.ts ends it).
import type { MetricPointDto } from '../../contract/api';
import { addTimings, secondsSince, zeroTimings } from '../../contract/stage-timings';
import { initBackend } from '../backend';
import { parseConfigOf } from '../config-file';
import { checkpointDrift, type DriftEntry } from '../onnx/import/checkpoint-drift';
import { parseBindings } from '../onnx/import/input-binding';
import { loadProbeSet } from '../onnx/import/probe-set';
import type { Store } from '../store/store';
import type { MetricRow, RunId } from '../store/types';
import { runBlockedSeries } from './blocked-import';
import { createProgressMeter } from './progress-meter';
import { createRunLifecycle, guardRun, type RunListener } from './run-lifecycle';

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
  const lifecycle = createRunLifecycle(store, runId, listener);
  await guardRun(lifecycle, async () => {
    const config = parseConfigOf('import', store.runs.get(runId).config, `import run ${runId} config`);
    const readStart = performance.now();
    const backend = await initBackend('auto');
    lifecycle.running({ ...backend });
    const started = Date.now();
    const elapsed = () => (Date.now() - started) / 1000;
    const probe = await loadProbeSet(config.probe);
    const read = secondsSince(readStart);
    if (config.blocked) {
      await runBlockedSeries({ store, runId, config: { ...config, blocked: config.blocked }, lifecycle, listener, signal, probe, read });
      return;
    }
    // Every checkpoint costs about the same (import, check, kernel), so each one is a step and each is reported.
    const meter = createProgressMeter(lifecycle.progress, { total: config.models.length, throttleMs: 0, skipWarmup: false, minSamples: 1 });
    meter.step(0, null);
    const report = await checkpointDrift(config.models.map((path) => ({ path })), probe, {
      kernel: config.kernel,
      freeze: config.freeze,
      logits: !config.keepSoftmax,
      bind: await parseBindings(config.bind),
      inputName: config.inputName,
      steps: config.steps,
      signal,
      onEntry: (entry, index, _total, snapshot) => {
        const point = pointOf(entry, elapsed());
        const rows: MetricRow[] = Object.entries(point.values).map(([name, value]) => ({ step: point.step, wallTime: point.wallTime, name, value }));
        store.metrics.append(runId, rows);
        store.kernels.put(runId, { step: entry.step, kind: snapshot.kind, rows: snapshot.rows, data: snapshot.kernel, eigenvalues: snapshot.eigenvalues });
        listener?.onPoints?.([point]);
        listener?.onKernel?.(entry.step);
        meter.step(index + 1, null);
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
    lifecycle.end({ status: report.cancelled ? 'cancelled' : 'done' }, summary);
  });
}
