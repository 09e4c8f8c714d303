// g'(x) of the elementwise activations the importer translates (and of Abs, Exp, Sin, Cos), for the layer-wise eNTK's
// backward steps: the cotangent of y = g(x) is g'(x) times y's, so a graph of Tanh, GELU, Sigmoid, ... backpropagates
// its rows in plain loops over the captured x instead of a tfjs backward pass over tiled rows. Each derivative is its own small loop
// (one array type, compiled once). Values match the translations' tfjs gradients up to float32 rounding; where a
// derivative jumps (HardSigmoid's corners, ThresholdedRelu's threshold) the side is tfjs's.
import { sigmoid, softplus } from '../../../../core/losses';
import type { Derivative } from '../../../../core/ntk/cotangent-program';
import type { AttrReader } from '../attributes';

/** erfc(x) with fractional error below 1.2e-7 everywhere (Chebyshev fit, Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** sigmoid(x) sigmoid(-x) without cancellation. */
function sigmoidSlope(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return e / ((1 + e) * (1 + e));
}

function loop(f: (v: number) => number): Derivative {
  return (x, out) => {
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

function gelu(attrs: AttrReader): Derivative {
  if (attrs.string('approximate', 'none') === 'tanh')
    return loop((v) => {
      const t = Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v));
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * v * v);
    });
  return loop((v) => 0.5 * erfc(-v * Math.SQRT1_2) + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI));
}

/**
 * g' of an elementwise op by type and attributes, or undefined when the op is not an elementwise activation (or its
 * derivative needs more than x, as Clip with computed bounds). `bounds` gives Clip's constant bounds.
 */
export function activationDerivative(opType: string, attrs: AttrReader, bounds?: readonly [number, number]): Derivative | undefined {
  switch (opType) {
    case 'Tanh':
      return loop((v) => {
        const t = Math.tanh(v);
        return 1 - t * t;
      });
    case 'Sigmoid':
      return loop(sigmoidSlope);
    case 'Softplus':
      return loop(sigmoid);
    case 'Softsign':
      return loop((v) => 1 / ((1 + Math.abs(v)) * (1 + Math.abs(v))));
    case 'Erf':
      return loop((v) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v));
    case 'Gelu':
      return gelu(attrs);
    case 'Elu': {
      const alpha = attrs.float('alpha', 1);
      return loop((v) => (v > 0 ? 1 : alpha * Math.exp(v)));
    }
    case 'Selu': {
      const alpha = attrs.float('alpha', 1.6732632423543772);
      const gamma = attrs.float('gamma', 1.0507009873554805);
      return loop((v) => gamma * (v > 0 ? 1 : alpha * Math.exp(v)));
    }
    case 'Celu': {
      const alpha = attrs.float('alpha', 1);
      return loop((v) => (v > 0 ? 1 : Math.exp(v / alpha)));
    }
    case 'HardSigmoid': {
      const alpha = attrs.float('alpha', 0.2);
      const beta = attrs.float('beta', 0.5);
      return loop((v) => {
        const u = alpha * v + beta;
        return u >= 0 && u <= 1 ? alpha : 0;
      });
    }
    case 'HardSwish':
      return loop((v) => (v < -3 ? 0 : v > 3 ? 1 : v / 3 + 0.5));
    case 'Mish':
      return loop((v) => {
        const t = Math.tanh(softplus(v));
        return t + v * (1 - t * t) * sigmoid(v);
      });
    case 'Swish': {
      const alpha = attrs.float('alpha', 1);
      return loop((v) => {
        const s = sigmoid(alpha * v);
        return s + alpha * v * s * (1 - s);
      });
    }
    case 'ThresholdedRelu': {
      const alpha = attrs.float('alpha', 1);
      return loop((v) => (v > alpha ? 1 : 0));
    }
    case 'Sin':
      return loop(Math.cos);
    case 'Cos':
      return loop((v) => -Math.sin(v));
    case 'Exp':
      return loop(Math.exp);
    case 'Abs':
      return loop(Math.sign);
    case 'Clip': {
      if (!bounds) return undefined;
      const [lo, hi] = bounds;
      return loop((v) => (v >= lo && v <= hi ? 1 : 0));
    }
    default:
      return undefined;
  }
}
