// Einsum for one or two operands with explicit or implicit output (bij,bjk->bik, bhid,bhjd->bhij, ij->ji, bi,bi->b,
// i,j->ij ...): each operand is transposed into a common letter order with size-1 axes for letters it lacks, the
// operands multiplied with broadcasting and the summed letters reduced. tfjs's own einsum has no gradient. Ellipses
// and repeated letters within an operand (diagonals) are refused. Memory: the product over all letters.
import * as tf from '@tensorflow/tfjs-core';
import { fail, guardShape, required } from './op-values';
import type { OpContext, OpTable } from './op-types';

function parse(ctx: OpContext, equation: string, operands: number): { terms: string[]; output: string } {
  const cleaned = equation.replace(/\s+/g, '');
  if (cleaned.includes('.')) fail(ctx, 'onnx/unsupported-op', `equation "${equation}": ellipses are not supported`);
  const [lhs, rhs] = cleaned.split('->');
  const terms = lhs.split(',');
  if (terms.length !== operands || terms.some((t) => !/^[a-zA-Z]*$/.test(t))) fail(ctx, 'onnx/invalid-model', `equation "${equation}" for ${operands} operands`);
  if (terms.some((t) => new Set(t).size !== t.length)) fail(ctx, 'onnx/unsupported-op', `equation "${equation}": a letter repeated within an operand (a diagonal) is not supported`);
  // Implicit output: the letters that occur once, in alphabetical order.
  const counts = new Map<string, number>();
  for (const c of terms.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
  const output = rhs ?? [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  if (!/^[a-zA-Z]*$/.test(output) || [...output].some((c) => !counts.has(c)) || new Set(output).size !== output.length) fail(ctx, 'onnx/invalid-model', `equation "${equation}" has an invalid output`);
  return { terms, output };
}

export const einsumOps: OpTable = {
  Einsum: {
    run(ctx, inputs) {
      const operands = inputs.filter((v) => v !== undefined);
      if (operands.length < 1 || operands.length > 2) fail(ctx, 'onnx/unsupported-op', `${operands.length} operands; one or two are supported`);
      const tensors = operands.map((_, i) => ctx.tensor(required(ctx, inputs, i)));
      const { terms, output } = parse(ctx, ctx.attrs.string('equation'), tensors.length);
      const letters = [...output, ...[...new Set(terms.join(''))].filter((c) => !output.includes(c))];
      const size = new Map<string, number>();
      terms.forEach((term, i) => {
        if (term.length !== tensors[i].rank) fail(ctx, 'onnx/shape-mismatch', `operand ${i} has rank ${tensors[i].rank}, the equation term "${term}" ${term.length}`);
        [...term].forEach((c, d) => {
          const dim = tensors[i].shape[d];
          const seen = size.get(c);
          if (seen !== undefined && seen !== dim && seen !== 1 && dim !== 1) fail(ctx, 'onnx/shape-mismatch', `letter ${c} is ${seen} in one operand and ${dim} in another`);
          size.set(c, Math.max(seen ?? 1, dim));
        });
      });
      guardShape(ctx, letters.map((c) => size.get(c) as number));
      const aligned = terms.map((term, i) => {
        const present = letters.filter((c) => term.includes(c));
        const t = tf.transpose(tensors[i], present.map((c) => term.indexOf(c)));
        return tf.reshape(t, letters.map((c) => (term.includes(c) ? (tensors[i].shape[term.indexOf(c)] as number) : 1)));
      });
      const product = aligned.length === 1 ? aligned[0] : tf.mul(aligned[0], aligned[1]);
      const summed = letters.length > output.length ? tf.sum(product, Array.from({ length: letters.length - output.length }, (_, i) => output.length + i)) : product;
      // A letter only in the output's broadcast (size 1 everywhere) stays; sum over none leaves the product as is.
      return [tf.reshape(summed, [...output].map((c) => size.get(c) as number))];
    },
  },
};
