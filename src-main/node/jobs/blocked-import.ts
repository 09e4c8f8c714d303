// The import run with a dataset-scale kernel (config.blocked): each checkpoint's kernel goes through modelNtkToFile
// into <workspace>/kernels/run-<id>/step-<step>.npy (never into the store's kernel table), one progress step per
// block, the cancel signal checked between blocks; then its spectrum is read back from the file (npyKernelSpectrum)
// and relDrift against the first checkpoint's file (npyRelativeDrift). Metrics are committed per checkpoint.
// Resume is a new run (imports:resume duplicates the config with blocked.resumeFrom): a run's files are its own and
// never change after it ends, so the new run copies the parent's files into its folder (a reflink where the file
// system has them) and continues the copies, hash-checked; the parent keeps its data, lineage, status and summary.
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { KernelFileDto, MetricPointDto } from '../../contract/api';
import type { ImportConfig } from '../../contract/import-config';
import { CodedError, failureOf } from '../../contract/result';
import { parseBytes } from '../../contract/run-memory';
import { addTimings, secondsSince, zeroTimings } from '../../contract/stage-timings';
import { paramDistance, paramNorm, type ParamSet } from '../../core/models/params';
import { sidecarPath, writeKernelSidecar } from '../kernel-file/blocked-kernel-file';
import { npyRelativeDrift } from '../kernel-file/npy-drift';
import { npyKernelSpectrum, sidecarSpectrum } from '../kernel-file/npy-spectrum';
import { matmulEngine } from '../engines';
import { runKernelDir, workspaceOfStore } from '../kernel-file/run-kernel-dir';
import { kernelFileDto } from '../kernel-file/run-kernel-files';
import { orderCheckpoints } from '../onnx/import/checkpoint-drift';
import { parseBindings } from '../onnx/import/input-binding';
import { modelNtkToFile, type NtkFileReport } from '../onnx/import/import-service';
import { sourceName } from '../onnx/import/model-source';
import type { ProbeSet } from '../onnx/import/probe-set';
import type { Store } from '../store/store';
import type { MetricRow, RunId } from '../store/types';
import { createProgressMeter, type ProgressMeter } from './progress-meter';
import type { RunLifecycle, RunListener } from './run-lifecycle';

type BlockedConfig = NonNullable<ImportConfig['blocked']>;

export interface BlockedSeriesContext {
  readonly store: Store;
  readonly runId: RunId;
  readonly config: ImportConfig & { readonly blocked: BlockedConfig };
  readonly lifecycle: RunLifecycle;
  readonly listener?: RunListener;
  readonly signal?: AbortSignal;
  readonly probe: ProbeSet;
  /** Seconds spent starting the backend and reading the probe. */
  readonly read: number;
}

/** The budget in bytes (the schema has checked a string budget already). */
function budgetBytes(memory: BlockedConfig['memory']): number | undefined {
  return typeof memory === 'string' ? (parseBytes(memory) ?? undefined) : memory;
}

/**
 * Makes `out` the continuation of the parent run's file for the same step when this run has none yet: the parent's
 * .npy is copied first and its sidecar last, so a copy cut short leaves nothing that claims to be resumable. True
 * when `out` now has a sidecar to resume from.
 */
async function adoptParentKernel(parentDir: string | undefined, out: string): Promise<boolean> {
  if (existsSync(sidecarPath(out))) return true;
  if (!parentDir) return false;
  const parent = join(parentDir, basename(out));
  if (!existsSync(parent) || !existsSync(sidecarPath(parent))) return false;
  await copyFile(parent, out, constants.COPYFILE_FICLONE);
  await copyFile(sidecarPath(parent), sidecarPath(out));
  return true;
}

const isCancel = (error: unknown) => error instanceof CodedError && error.code === 'train/cancelled';

export async function runBlockedSeries(ctx: BlockedSeriesContext): Promise<void> {
  const { config, probe, lifecycle, signal, store, runId } = ctx;
  const { blocked } = config;
  const workspace = workspaceOfStore(store.path);
  const dir = runKernelDir(workspace, runId);
  await mkdir(dir, { recursive: true });
  const parentDir = blocked.resumeFrom === undefined ? undefined : runKernelDir(workspace, blocked.resumeFrom);
  const items = orderCheckpoints(
    config.models.map((path) => ({ path })),
    { steps: config.steps },
  );
  const bind = await parseBindings(config.bind);
  const started = Date.now();
  // One step per block of every checkpoint once the first block says how many there are; until then one per checkpoint.
  const newMeter = (total: number): ProgressMeter => createProgressMeter(lifecycle.progress, { total, throttleMs: 0, skipWarmup: false, minSamples: 1 });
  let meter = newMeter(items.length);
  let blocksPer = 0;
  let stepped = 0;
  const advance = (value: number) => {
    if (value === stepped) return;
    stepped = value;
    meter.step(value, null);
  };
  meter.step(0, null);

  const kernelFiles: KernelFileDto[] = [];
  const warnings: string[] = [];
  let timings = { ...zeroTimings(), read: ctx.read };
  let first: { path: string; params: ParamSet } | undefined;
  let last: { relDrift: number; paramDistance: number } | undefined;
  let model: NtkFileReport['summary'] | undefined;
  let k = 0;
  const summary = () => ({
    checkpoints: kernelFiles.filter((f) => f.complete).length,
    ...(model ? { model: { producer: model.producer, opset: model.opset, paramCount: model.paramCount, skippedOutputOp: model.skippedOutputOp, inputShape: probe.sampleShape, outputs: k } } : {}),
    probe: { source: probe.source, n: probe.n, sampleShape: probe.sampleShape },
    kernel: config.kernel,
    files: items.map(({ source, step }) => ({ file: sourceName(source), step })),
    kernelFiles,
    ...(blocked.resumeFrom !== undefined ? { resumedFrom: blocked.resumeFrom } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(last ? { finalRelDrift: last.relDrift, finalParamDistance: last.paramDistance } : {}),
    timings,
  });

  let status: 'done' | 'cancelled' = 'done';
  try {
    for (const [index, { source, step }] of items.entries()) {
      if (signal?.aborted) {
        status = 'cancelled';
        break;
      }
      const out = join(dir, `step-${step}.npy`);
      let report: NtkFileReport;
      try {
        report = await modelNtkToFile(source, probe, {
          kernel: config.kernel,
          freeze: config.freeze,
          logits: !config.keepSoftmax,
          bind,
          inputName: config.inputName,
          out,
          fileDtype: blocked.dtype,
          memoryBytes: budgetBytes(blocked.memory),
          blockSize: blocked.blockSize,
          resume: await adoptParentKernel(parentDir, out),
          signal,
          onProgress: (p) => {
            if (blocksPer !== p.total) {
              blocksPer = p.total;
              meter = newMeter(items.length * p.total);
            }
            advance(index * blocksPer + p.done);
          },
        });
      } catch (error) {
        if (isCancel(error)) {
          if (existsSync(sidecarPath(out))) kernelFiles.push(await kernelFileDto(step, out));
          status = 'cancelled';
          break;
        }
        throw error;
      }
      model ??= report.summary;
      k = report.sidecar.k;
      const t0 = performance.now();
      const spectrum = await npyKernelSpectrum(out, blocked.spectrumTop, { engine: await matmulEngine(), memoryBytes: budgetBytes(blocked.memory) });
      const spectrumSeconds = secondsSince(t0);
      await writeKernelSidecar(out, { ...report.sidecar, spectrum: sidecarSpectrum(spectrum, spectrumSeconds) });
      first ??= { path: out, params: report.params };
      const relDrift = npyRelativeDrift(out, first.path);
      const distance = paramDistance(report.params, first.params).l2;
      last = { relDrift, paramDistance: distance };
      const point: MetricPointDto & { values: Record<string, number> } = {
        step,
        wallTime: (Date.now() - started) / 1000,
        values: {
          paramNorm: paramNorm(report.params),
          paramDistance: distance,
          relDrift,
          lambdaMin: spectrum.lambdaMin,
          lambdaMax: spectrum.lambdaMax,
          'validation/maxAbsError': report.validation.maxAbsError,
          kernelSeconds: report.timings.kernel,
        },
      };
      const rows: MetricRow[] = Object.entries(point.values).map(([name, value]) => ({ step, wallTime: point.wallTime, name, value }));
      store.metrics.append(runId, rows);
      ctx.listener?.onPoints?.([point]);
      warnings.push(...report.warnings.map((w) => `${sourceName(source)}: ${w}`));
      timings = addTimings(timings, { ...report.timings, spectrum: spectrumSeconds });
      kernelFiles.push(await kernelFileDto(step, out));
      // A checkpoint whose file was already complete (a resume) computed no block: it still counts.
      advance(blocksPer === 0 ? index + 1 : (index + 1) * blocksPer);
    }
  } catch (error) {
    if (!isCancel(error)) {
      lifecycle.end({ status: 'failed', error: failureOf(error) }, summary());
      return;
    }
    status = 'cancelled';
  }
  lifecycle.end({ status }, summary());
}
