// `ntk ... --out K.npy`: the dataset-scale kernel of modelNtkToFile with a progress line per block on stderr, Ctrl-C
// (SIGINT) stopping it between blocks (exit 130, the finished blocks kept for --resume), and the spectrum of the
// finished file read back in row blocks when --spectrum asks.
import { secondsSince } from '../../contract/stage-timings';
import { CodedError } from '../../contract/result';
import { readKernelSidecar, writeKernelSidecar } from '../../node/kernel-file/blocked-kernel-file';
import type { KernelFileDtype } from '../../node/kernel-file/npy-block-file';
import { npyKernelSpectrum, sidecarSpectrum } from '../../node/kernel-file/npy-spectrum';
import { matmulEngine } from '../../node/engines';
import { modelNtkToFile, type NtkRequest } from '../../node/onnx/import/import-service';
import type { ProbeSet } from '../../node/onnx/import/probe-set';

export interface KernelFileFlags {
  readonly out: string;
  readonly fileDtype: KernelFileDtype;
  readonly memoryBytes?: number;
  readonly blockSize?: number;
  readonly resume?: boolean;
  readonly spectrumTop?: number;
  /** Seconds spent reading the probe before this. */
  readonly read: number;
}

export async function kernelFileCommand(modelPath: string, probe: ProbeSet, request: NtkRequest, flags: KernelFileFlags): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => {
    process.stderr.write('\nstopping after the block in progress (Ctrl-C again to quit now)\n');
    process.removeListener('SIGINT', onSigint);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let report;
  try {
    report = await modelNtkToFile({ path: modelPath }, probe, {
      ...request,
      out: flags.out,
      fileDtype: flags.fileDtype,
      memoryBytes: flags.memoryBytes,
      blockSize: flags.blockSize,
      resume: flags.resume,
      signal: controller.signal,
      onProgress: (p) =>
        process.stderr.write(`block ${p.done}/${p.total}: samples [${p.block.row0}, ${p.block.row1}) x [${p.block.col0}, ${p.block.col1}), ${p.seconds.toFixed(1)} s\n`),
    });
  } catch (error) {
    if (error instanceof CodedError && error.code === 'train/cancelled') {
      const sidecar = await readKernelSidecar(flags.out);
      process.stderr.write(`stopped: ${sidecar.blocks.done.length} of ${sidecar.blocks.total} blocks in ${flags.out}; continue with the same command and --resume\n`);
      return 130;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  const { sidecar } = report;
  const v = report.validation;
  process.stdout.write(
    `${report.summary.identifier}: k = ${sidecar.k}, n = ${sidecar.n}; onnxruntime max abs error ${v.maxAbsError.toExponential(2)} on the first samples (${v.comparedOn}); ` +
      `${report.implementation} ${sidecar.kernel} kernel ${sidecar.shape.join(' x ')} in ${sidecar.blocks.total} blocks of ${sidecar.blockSize} samples, ${sidecar.seconds.toFixed(2)} s -> ${flags.out}\n`,
  );
  if (flags.spectrumTop !== undefined) {
    const t0 = performance.now();
    // A float64 request keeps float64 products; otherwise the engine may hold a float32 copy when it fits the budget.
    const engine = request.dtype === 'float64' ? undefined : await matmulEngine();
    const spectrum = await npyKernelSpectrum(flags.out, flags.spectrumTop, { engine, memoryBytes: flags.memoryBytes });
    const seconds = secondsSince(t0);
    await writeKernelSidecar(flags.out, { ...sidecar, spectrum: sidecarSpectrum(spectrum, seconds) });
    const how = spectrum.held ? `${spectrum.passes} products on a float32 copy read once` : `${spectrum.passes} passes over the file`;
    process.stdout.write(
      `spectrum (${spectrum.method}, ${how}, ${seconds.toFixed(2)} s): lambda_max ${spectrum.lambdaMax.toExponential(6)}, lambda_min <= ${spectrum.lambdaMin.toExponential(6)} (Ritz value, an eigenvalue within ${spectrum.residualMin.toExponential(2)}; basis ${spectrum.basis}); top ${spectrum.top.length}: ${Array.from(spectrum.top, (x) => x.toExponential(4)).join(' ')}\n`,
    );
  }
  return 0;
}
