// `ntk-workbench analytic ...`: the infinite-width NTK of the paper's FCN or ResNet on a set of inputs.
import { parseArgs } from 'node:util';
import type { AnalyticSpec } from '../../core/ntk/analytic-types';
import { analyticKernel } from '../../node/analytic-kernel';
import { encodeNpy } from '../../core/io/npy';
import { readInputsFile } from '../../node/data/files';
import { writeFileAtomic } from '../../node/atomic-write';
import { toJson } from '../../node/run-output/run-writer';
import { UsageError } from '../usage-error';

export const analyticUsage = `ntk-workbench analytic --arch fcn|resnet --depth L [--bias|--no-bias] [--alpha A]
                       [--form derived|printed] --inputs X.json|X.npy|X.csv --out K.json|K.npy

  --inputs  {"inputs": [[...], ...]} (one row per point) or an n x d .npy / .csv
  --bias    the derived with-bias FCN kernel (default: bias-free, as in the paper's figures);
            --form printed gives the formula as printed in the paper. ResNet always has its trained biases.
  --alpha   ResNet branch scale (default 1/L)
  Output: .npy (float64 n x n) or JSON {"kernel": [[...]], "arch", "depth", "bias", "alpha", "form", "n"}.`;

export async function analyticCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      arch: { type: 'string' },
      depth: { type: 'string' },
      bias: { type: 'boolean' },
      'no-bias': { type: 'boolean' },
      alpha: { type: 'string' },
      form: { type: 'string', default: 'derived' },
      inputs: { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const arch = values.arch;
  if (arch !== 'fcn' && arch !== 'resnet') throw new UsageError('--arch must be fcn or resnet', analyticUsage);
  const depth = Number(values.depth);
  if (!Number.isInteger(depth) || depth < 1) throw new UsageError('--depth must be a positive integer', analyticUsage);
  if (values.bias && values['no-bias']) throw new UsageError('give --bias or --no-bias, not both', analyticUsage);
  const form = values.form;
  if (form !== 'derived' && form !== 'printed') throw new UsageError('--form must be derived or printed', analyticUsage);
  const alpha = values.alpha !== undefined ? Number(values.alpha) : undefined;
  if (alpha !== undefined && !(alpha > 0)) throw new UsageError('--alpha must be a positive number', analyticUsage);
  if (alpha !== undefined && arch !== 'resnet') throw new UsageError('--alpha applies to --arch resnet only', analyticUsage);
  if (!values.inputs || !values.out) throw new UsageError('analytic needs --inputs and --out', analyticUsage);
  const bias = arch === 'resnet' ? true : values.bias === true;
  const spec: AnalyticSpec = { arch, depth, bias, alpha, form };
  const inputs = await readInputsFile(values.inputs);
  const d = inputs.sampleShape.reduce((a, b) => a * b, 1);
  const kernel = await analyticKernel(spec, inputs.x, inputs.n, d);
  const n = inputs.n;
  if (values.out.endsWith('.npy')) {
    await writeFileAtomic(values.out, encodeNpy({ shape: [n, n], dtype: 'float64', data: kernel }));
  } else {
    const rows = Array.from({ length: n }, (_, i) => Array.from(kernel.subarray(i * n, (i + 1) * n)));
    await writeFileAtomic(values.out, `${toJson({ kernel: rows, arch, depth, bias, alpha: arch === 'resnet' ? (alpha ?? 1 / depth) : undefined, form, n })}\n`);
  }
  process.stdout.write(`analytic ${arch} NTK (depth ${depth}, ${form}${bias ? ', bias' : ''}) on ${n} inputs -> ${values.out}\n`);
  return 0;
}
