// Warns when f(x) is a saturated Sigmoid/Softmax: outputs at 0 or 1 to float32 precision have derivatives below 2^-24
// of their unsaturated scale (e^-|logit|), so their kernel entries are tiny and past a logit of about 44 underflow
// float32 altogether; the eNTK of such a model says little. The way out is the pre-activation output.
import type { ImportedModel } from './imported-model';

/** y (1 - y) below this: the output is 0 or 1 at float32 resolution. */
const SATURATED = 2 ** -24;

/** A warning for saturated outputs (f(x) [n k], sample-major) of a model whose f(x) is a Sigmoid/Softmax, or undefined. */
export function saturationWarning(model: ImportedModel, outputs: ArrayLike<number>): string | undefined {
  const pre = model.preactivation;
  if (!pre) return undefined;
  const k = model.outputs;
  let count = 0;
  const samples = new Set<number>();
  for (let i = 0; i < outputs.length; i++) {
    const y = outputs[i];
    if (y * (1 - y) < SATURATED) {
      count++;
      samples.add(Math.floor(i / k));
    }
  }
  if (count === 0) return undefined;
  const list = [...samples].slice(0, 5).join(', ') + (samples.size > 5 ? ', ...' : '');
  return (
    `${count} of ${outputs.length} outputs are saturated (${pre.op} at 0 or 1 to float32 precision; samples ${list}): their gradients are below ` +
    `${SATURATED.toExponential(1)} of the unsaturated scale and underflow float32 past a logit of about 44, so the kernel mostly measures the saturation. ` +
    `Take f(x) from the pre-activation value ${pre.name} (output option ${JSON.stringify(pre.name)})${pre.op === 'Softmax' ? ' or do not keep the final Softmax' : ''}.`
  );
}
