// Which weights an imported output depends on: an op without a gradient must be a coded refusal, never a model
// whose weights all silently became constants (which would give an all-zero eNTK).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../../src-main/contract/result';
import { connectedParams } from '../../../../src-main/node/onnx/import/batched-run';
import type { GraphProgram } from '../../../../src-main/node/onnx/import/graph-program';
import type { TensorParams } from '../../../../src-main/core/models/tf-forward';

const program = (run: GraphProgram['run']): GraphProgram => ({ steps: 1, run, dispose: () => undefined });
const dynamic = { kind: 'dynamic' } as const;

describe('connectedParams', () => {
  const make = (): TensorParams => ({ w: tf.tensor2d([[1, 2], [3, 4]]), unused: tf.tensor1d([5]) });

  it('names the weights the output reaches and leaves the others out', () => {
    const params = make();
    const got = connectedParams(program((p, x) => tf.matMul(x, p.w)), dynamic, params, [2], 'm.onnx');
    expect([...got]).toEqual(['w']);
    tf.dispose(Object.values(params));
  });

  it('returns no weights when the output depends on none', () => {
    const params = make();
    const got = connectedParams(program((_p, x) => tf.mul(x, 2)), dynamic, params, [2], 'm.onnx');
    expect(got.size).toBe(0);
    tf.dispose(Object.values(params));
  });

  it('refuses with a code when an op on the weight path has no gradient', () => {
    const params = make();
    // tfjs registers no gradient for StridedSlice.
    const run: GraphProgram['run'] = (p, x) => tf.matMul(x, tf.stridedSlice(p.w, [0, 0], [2, 2], [1, 1]));
    let caught: unknown;
    try {
      connectedParams(program(run), dynamic, params, [2], 'm.onnx');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CodedError);
    expect((caught as CodedError).code).toBe('onnx/unsupported-op');
    expect((caught as CodedError).message).toMatch(/m\.onnx: the output cannot be differentiated.*StridedSlice/);
    tf.dispose(Object.values(params));
  });
});
