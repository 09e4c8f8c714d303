// Kernel gradient descent with a frozen kernel, stepped exactly like the network's full-batch GD (Jacot et al. 2018;
// the discrete form of neural-tangents' predict.gradient_descent): f_{t+1} = f_t - eta K(X, X) dL/df(f_t) on the
// training points, and on any other points f_t(x) = f_0(x) - K(x, X) sum_{s<t} eta dL/df(f_s), the same recursion
// summed, so test predictions cost nothing per step. The kernel only is consumed, never how it was made. Float64.

export interface KernelFlowSpec {
  /** K(X, X) [r, r] in the full layout, r = n k (sample-major, row i*k + a). */
  readonly kTrainTrain: Float64Array;
  /** K(x_test, X) [rt, r], rt = n_test k, when there are test points. */
  readonly kTestTrain?: Float64Array;
  /** f_0 on the training points [r] and on the test points [rt]. */
  readonly fxTrain0: Float64Array;
  readonly fxTest0?: Float64Array;
  /** dL/df [r] at training outputs [r], the loss with its reduction (mean: the 1/n is in here, not in eta). */
  lossGradient(f: Float64Array): Float64Array;
  /** eta, the network's learning rate. */
  readonly lr: number;
}

export interface KernelFlow {
  /** GD steps taken so far. */
  readonly step: number;
  /** Runs GD steps until `step` (a no-op when already there; never backwards). Cost O(r^2) per step. */
  advanceTo(step: number): void;
  /** f_t on the training points [r]: the flow's own array, read it before the next advance. */
  fxTrain(): Float64Array;
  /** f_t on the test points [rt], or undefined without test points. Cost O(rt r). */
  fxTest(): Float64Array | undefined;
}

export function kernelFlow(spec: KernelFlowSpec): KernelFlow {
  const r = spec.fxTrain0.length;
  if (spec.kTrainTrain.length !== r * r) throw new Error(`K(X, X) has ${spec.kTrainTrain.length} entries, not ${r} x ${r}`);
  const rt = spec.fxTest0?.length ?? 0;
  if (spec.kTestTrain && spec.kTestTrain.length !== rt * r) throw new Error(`K(x_test, X) has ${spec.kTestTrain.length} entries, not ${rt} x ${r}`);
  const k = spec.kTrainTrain;
  const f = Float64Array.from(spec.fxTrain0);
  /** sum over steps so far of eta dL/df(f_s): what the test points need. */
  const accumulated = new Float64Array(r);
  let step = 0;
  return {
    get step() {
      return step;
    },
    advanceTo(target) {
      for (; step < target; step++) {
        const g = spec.lossGradient(f);
        for (let j = 0; j < r; j++) accumulated[j] += spec.lr * g[j];
        for (let i = 0; i < r; i++) {
          let s = 0;
          const row = i * r;
          for (let j = 0; j < r; j++) s += k[row + j] * g[j];
          f[i] -= spec.lr * s;
        }
      }
    },
    fxTrain: () => f,
    fxTest() {
      const kt = spec.kTestTrain;
      if (!kt || !spec.fxTest0) return undefined;
      const out = Float64Array.from(spec.fxTest0);
      for (let i = 0; i < rt; i++) {
        let s = 0;
        const row = i * r;
        for (let j = 0; j < r; j++) s += kt[row + j] * accumulated[j];
        out[i] -= s;
      }
      return out;
    },
  };
}
