// Where each element of a value reads a broadcast operand from: numpy broadcasting (trailing axes aligned), or a [C]
// operand along the channel axis. Shared by the layer-wise eNTK (bias and scale rows sum over the broadcast axes) and
// the backward steps (a PRelu slope or LayerNorm scale per element).
import { CodedError } from '../../contract/result';

const sizeOf = (shape: readonly number[]) => shape.reduce((s, v) => s * v, 1);

function fail(message: string): never {
  throw new CodedError('config/invalid', `layer-wise eNTK: ${message}`);
}

/**
 * The operand's shape aligned to `value`'s axes (1 where it broadcasts): a leading batch axis of 1 dropped, perChannel
 * reading a [C] operand as [C, 1, ...]. Throws config/invalid when the shapes do not broadcast. Cost O(rank).
 */
export function alignedOperandShape(param: readonly number[], value: readonly number[], name: string, perChannel = false): number[] {
  let p = perChannel && param.length === 1 ? [param[0], ...new Array<number>(Math.max(0, value.length - 1)).fill(1)] : [...param];
  if (p.length === value.length + 1) {
    if (p[0] !== 1) fail(`${name} [${param.join(', ')}] has a batch axis`);
    p = p.slice(1);
  }
  if (p.length > value.length) fail(`${name} [${param.join(', ')}] does not broadcast into [${value.join(', ')}]`);
  const aligned = [...new Array<number>(value.length - p.length).fill(1), ...p];
  if (aligned.some((d, i) => d !== 1 && d !== value[i])) fail(`${name} [${param.join(', ')}] does not broadcast into [${value.join(', ')}]`);
  return aligned;
}

/**
 * For an operand `param` broadcast into a value of per-sample shape `value` (as alignedOperandShape aligns it): the operand
 * index of every value element [size of value], row-major. Cost O(size of value times rank).
 */
export function broadcastIndex(param: readonly number[], value: readonly number[], name: string, perChannel = false): Int32Array {
  const aligned = alignedOperandShape(param, value, name, perChannel);
  const index = new Int32Array(sizeOf(value));
  const strides = aligned.map((_, i) => sizeOf(aligned.slice(i + 1)));
  for (let e = 0; e < index.length; e++) {
    let rest = e;
    let at = 0;
    for (let d = value.length - 1; d >= 0; d--) {
      const coord = rest % value[d];
      rest = Math.floor(rest / value[d]);
      if (aligned[d] !== 1) at += coord * strides[d];
    }
    index[e] = at;
  }
  return index;
}
