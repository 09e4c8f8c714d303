// `ntk-workbench ntk ...`: empirical NTK of an ONNX model on a probe set, after checking the translation against
// onnxruntime. The JSON it writes is a stable interface (issue 5): keep its fields as they are.
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../../node/atomic-write';
import { initBackend } from '../../node/backend';
import { modelNtk } from '../../node/onnx/import/import-service';
import { loadProbeSet } from '../../node/onnx/import/probe-set';
import { parseBindFlag } from '../../node/onnx/import/input-binding';
import { UsageError } from '../usage-error';

export const ntkUsage = `ntk-workbench ntk --model M.onnx --probe P.json|P.npy|P.csv|mnist:N[:seed] --out R.json
                  [--kernel full|trace] [--dtype float32|float64] [--freeze NAME,...] [--keep-softmax] [--output NAME]

  --model   an ONNX file (opsets 9-21; external data files beside it). One float input, batch dim first.
  --probe   {"inputs": nested array with leading dim n, "labels": [...] optional}, an n x ... .npy or .csv,
            or mnist:N for N MNIST digits. Each sample must hold as many values as the model's input.
  --kernel  trace (default): the class-trace kernel [n][n]; full: also the [n*k][n*k] kernel, sample-major.
  --dtype   float32 (default); float64 uses the float64 reference and needs a plain Gemm/Relu MLP.
  --freeze  initializers to keep constant although they feed weights or biases.
  --keep-softmax  differentiate the final Softmax/LogSoftmax output (default: its logits).
  Output JSON: {"paramCount", "outputs": [n][k], "trace": [n][n], "ntk": [n*k][n*k] (--kernel full),
                "lambdaMin", "lambdaMax"} (eigenvalues of the full kernel when given, else of the trace).
  --input   the graph input that takes the probe samples, when the model has several (default the only unbound one).
  --bind    a value for another graph input (repeat per input): zeros, a number for every element, or a
            .json/.npy/.csv file with the tensor. A dim named like the sample input's batch dim follows the batch
            (a tensor with 1 there is repeated). A JSON probe may carry them too: {"inputs": ..., "bind": {"h": [...],
            "sr": 16000}}; --bind takes precedence.
  --output  the value taken as f(x): a graph output or any node's output (default the first graph output).
  The import is refused (exit 1, error [onnx/validation-failed]) when the translation's outputs differ from
  onnxruntime's beyond 1e-4 of the output scale (max |f|, floor 1e-6) + 1e-3 relative; under a final Sigmoid or
  Softmax the logits are compared. Saturated Sigmoid/Softmax outputs print a warning (their gradients vanish).`;

function matrixRows(values: Float64Array, rows: number): number[][] {
  const cols = values.length / rows;
  return Array.from({ length: rows }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols)));
}

export async function ntkCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      probe: { type: 'string' },
      out: { type: 'string' },
      kernel: { type: 'string', default: 'trace' },
      dtype: { type: 'string', default: 'float32' },
      freeze: { type: 'string' },
      'keep-softmax': { type: 'boolean' },
      input: { type: 'string' },
      bind: { type: 'string', multiple: true },
      output: { type: 'string' },
    },
    strict: true,
  });
  if (!values.model || !values.probe || !values.out) throw new UsageError('ntk needs --model, --probe and --out', ntkUsage);
  const kernel = values.kernel;
  if (kernel !== 'full' && kernel !== 'trace') throw new UsageError('--kernel must be full or trace', ntkUsage);
  const dtype = values.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') throw new UsageError('--dtype must be float32 or float64', ntkUsage);
  await initBackend();
  const probe = await loadProbeSet(values.probe);
  const bind = Object.fromEntries(await Promise.all((values.bind ?? []).map(parseBindFlag)));
  const freeze = values.freeze?.split(',').filter(Boolean);
  const report = await modelNtk({ path: values.model }, probe, { kernel, dtype, freeze, logits: !values['keep-softmax'], outputName: values.output, inputName: values.input, bind });
  const n = report.n;
  const result = {
    paramCount: report.paramCount,
    outputs: matrixRows(report.outputs, n),
    trace: matrixRows(report.trace, n),
    ...(report.ntk ? { ntk: matrixRows(report.ntk, n * report.k) } : {}),
    lambdaMin: report.lambdaMin,
    lambdaMax: report.lambdaMax,
  };
  await writeFileAtomic(values.out, `${JSON.stringify(result)}\n`);
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  const v = report.validation;
  process.stdout.write(
    `${report.summary.identifier}: ${report.paramCount} parameters, k = ${report.k}, n = ${n}; onnxruntime max abs error ${v.maxAbsError.toExponential(2)} ` +
      `(${v.maxRelError.toExponential(2)} of its scale ${v.scale.toExponential(2)}, on ${v.comparedOn}); ${report.implementation} ${kernel} kernel in ${(report.ms / 1000).toFixed(2)} s -> ${values.out}\n`,
  );
  return 0;
}
