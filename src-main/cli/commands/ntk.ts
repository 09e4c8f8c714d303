// `ntk-workbench ntk ...`: empirical NTK of an ONNX model on a probe set, after checking the translation against
// onnxruntime. The JSON it writes is a stable interface (issue 5): keep its fields as they are.
import { parseArgs } from 'node:util';
import { secondsSince, type StageTimings } from '../../contract/stage-timings';
import { writeFileAtomic } from '../../node/atomic-write';
import { jsonChunks, JsonMatrix } from '../../node/json-matrix-stream';
import { initBackend } from '../../node/backend';
import { modelNtk } from '../../node/onnx/import/import-service';
import { loadProbeSet } from '../../node/onnx/import/probe-set';
import { parseBindFlag } from '../../node/onnx/import/input-binding';
import { UsageError } from '../usage-error';
import { parseBytes } from '../../contract/run-memory';
import { kernelFileCommand } from './ntk-file';

function positiveInt(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer (got ${text})`, ntkUsage);
  return value;
}

export const ntkUsage = `ntk-workbench ntk --model M.onnx --probe P.json|P.npy|P.csv|mnist:N[:seed] --out R.json|K.npy
                  [--kernel full|trace] [--dtype float32|float64] [--freeze NAME,...] [--keep-softmax] [--output NAME]
                  [--memory 2GB] [--block N] [--resume] [--spectrum K]

  --model   an ONNX file (opsets 9-24; external data files beside it). One float input, batch dim first.
  --probe   {"inputs": nested array with leading dim n, "labels": [...] optional}, an n x ... .npy or .csv,
            or mnist:N for N MNIST digits. Each sample must hold as many values as the model's input.
  --kernel  trace (default): the class-trace kernel [n][n]; full: also the [n*k][n*k] kernel, sample-major.
  --dtype   float32 (default); float64 uses the float64 reference and needs a plain Gemm/Relu MLP.
  --freeze  initializers to keep constant although they feed weights or biases.
  --keep-softmax  differentiate the final Softmax/LogSoftmax output (default: its logits).
  Output JSON: {"paramCount", "implementation" (structured | generic | reference-f64), "outputs": [n][k],
                "trace": [n][n], "ntk": [n*k][n*k] (--kernel full), "lambdaMin", "lambdaMax", "spectrum",
                "timings"}
            (eigenvalues of the full kernel when given, else of the trace; spectrum: {"method": "full"} up to 512
            rows, every eigenvalue, else {"method": "lanczos", "steps", "lambdaMinResidual", "lambdaMaxResidual"}:
            lambdaMin is the smallest Ritz value, an upper bound on the smallest eigenvalue, and an eigenvalue lies
            within its residual of it; timings: seconds per stage read, translate, check, kernel, spectrum, write,
            and their total).
  --out K.npy  a dataset-scale kernel: computed in blocks of samples sized to --memory, each block (and its mirror)
            written into K.npy as it finishes (float64 little-endian; float32 with --dtype float32; numpy can
            np.load(K.npy, mmap_mode='r') it), and K.npy.json beside it: shape, ordering, trace convention, block size,
            the blocks done, a hash of model, probe and options. Progress per block on stderr; Ctrl-C stops between
            blocks and keeps what is done. The onnxruntime check runs on the first 256 samples.
  --memory  bytes the process may hold (2GB, 1.5GiB, 800M); default what it holds plus 3/4 of the free memory.
            Refused (error [ntk/insufficient-memory]) when one block cannot fit.
  --block   samples per block instead of the largest that fits.
  --resume  continue a stopped K.npy from its sidecar (the same model, probe and options, else [ntk/resume-mismatch]).
  --spectrum K  with K.npy: the K largest eigenvalues and lambda_min, lambda_max by block Lanczos reading the file in
            row blocks, into the sidecar's "spectrum" and stdout (lambda_min is the smallest Ritz value: an upper bound,
            close for a spread-out bottom of the spectrum, loose for a tight cluster; lambdaMinResidual and
            lambdaMaxResidual, measured with one more product, say how near an eigenvalue each is).
  --input   the graph input that takes the probe samples, when the model has several (default the only unbound one).
  --bind    a value for another graph input (repeat per input): zeros, a number for every element, or a
            .json/.npy/.csv file with the tensor. A dim named like the sample input's batch dim follows the batch
            (a tensor with 1 there is repeated). A JSON probe may carry them too: {"inputs": ..., "bind": {"h": [...],
            "sr": 16000}}; --bind takes precedence.
  --output  the value taken as f(x): a graph output or any node's output (default the first graph output).
  The import is refused (exit 1, error [onnx/validation-failed]) when the translation's outputs differ from
  onnxruntime's beyond 1e-4 of the output scale (max |f|, floor 1e-6) + 1e-3 relative; under a final Sigmoid or
  Softmax the logits are compared. Saturated Sigmoid/Softmax outputs print a warning (their gradients vanish).`;

export async function ntkCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      probe: { type: 'string' },
      out: { type: 'string' },
      kernel: { type: 'string', default: 'trace' },
      dtype: { type: 'string' },
      freeze: { type: 'string' },
      'keep-softmax': { type: 'boolean' },
      input: { type: 'string' },
      bind: { type: 'string', multiple: true },
      output: { type: 'string' },
      memory: { type: 'string' },
      block: { type: 'string' },
      resume: { type: 'boolean' },
      spectrum: { type: 'string' },
    },
    strict: true,
  });
  if (!values.model || !values.probe || !values.out) throw new UsageError('ntk needs --model, --probe and --out', ntkUsage);
  const kernel = values.kernel;
  if (kernel !== 'full' && kernel !== 'trace') throw new UsageError('--kernel must be full or trace', ntkUsage);
  const dtype = values.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw new UsageError('--dtype must be float32 or float64', ntkUsage);
  const toFile = values.out.toLowerCase().endsWith('.npy');
  const fileOnly = (['memory', 'block', 'resume', 'spectrum'] as const).find((flag) => values[flag] !== undefined);
  if (!toFile && fileOnly) throw new UsageError(`--${fileOnly} needs --out K.npy (a blocked kernel)`, ntkUsage);
  const memoryBytes = values.memory === undefined ? undefined : parseBytes(values.memory);
  if (memoryBytes === null || (memoryBytes !== undefined && memoryBytes <= 0)) throw new UsageError(`--memory must be a size such as 2GB or 512MiB (got ${values.memory})`, ntkUsage);
  const blockSize = positiveInt(values.block, '--block');
  const spectrumTop = positiveInt(values.spectrum, '--spectrum');
  const start = performance.now();
  await initBackend();
  const probe = await loadProbeSet(values.probe);
  const bind = Object.fromEntries(await Promise.all((values.bind ?? []).map(parseBindFlag)));
  const read = secondsSince(start);
  const freeze = values.freeze?.split(',').filter(Boolean);
  if (toFile) {
    const request = { kernel: kernel as 'full' | 'trace', dtype: dtype as 'float32' | 'float64', freeze, logits: !values['keep-softmax'], outputName: values.output, inputName: values.input, bind };
    return kernelFileCommand(values.model, probe, request, { out: values.out, fileDtype: values.dtype === 'float32' ? 'float32' : 'float64', memoryBytes, blockSize, resume: values.resume, spectrumTop, read });
  }
  const report = await modelNtk({ path: values.model }, probe, { kernel, dtype, freeze, logits: !values['keep-softmax'], outputName: values.output, inputName: values.input, bind });
  const n = report.n;
  // write is the time to serialise and write everything before the timings, the last field (the fsync after is not in it).
  const writeStart = performance.now();
  const fields = {
    paramCount: report.paramCount,
    implementation: report.implementation,
    outputs: new JsonMatrix(report.outputs, n),
    trace: new JsonMatrix(report.trace, n),
    ntk: report.ntk ? new JsonMatrix(report.ntk, n * report.k) : undefined,
    lambdaMin: report.lambdaMin,
    lambdaMax: report.lambdaMax,
    spectrum: report.spectrum,
    timings: (): StageTimings & { total: number } => ({ ...report.timings, read, write: secondsSince(writeStart), total: secondsSince(start) }),
  };
  await writeFileAtomic(
    values.out,
    (function* () {
      yield* jsonChunks(fields);
      yield '\n';
    })(),
  );
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  const v = report.validation;
  process.stdout.write(
    `${report.summary.identifier}: ${report.paramCount} parameters, k = ${report.k}, n = ${n}; onnxruntime max abs error ${v.maxAbsError.toExponential(2)} ` +
      `(${v.maxRelError.toExponential(2)} of its scale ${v.scale.toExponential(2)}, on ${v.comparedOn}); ${report.implementation} ${kernel} kernel in ${(report.ms / 1000).toFixed(2)} s -> ${values.out}\n`,
  );
  return 0;
}
