// The analytic NTK's vocabulary, shared by analytic.ts and the per-architecture recursions it dispatches to, kept
// in a leaf module so they do not import each other.

export type AnalyticForm = 'derived' | 'printed';

export interface AnalyticSpec {
  arch: 'fcn' | 'resnet';
  /** Hidden layers (FCN) or residual blocks (ResNet), L >= 1. */
  depth: number;
  /** FCN: N(0,1) biases in every hidden layer, or none. ResNet: the paper's b, b_l, d_l, or none of them. */
  bias: boolean;
  /** ResNet branch scale; default 1/depth. Ignored by the FCN. */
  alpha?: number;
  /** 'derived' is the kernel of the network as defined; 'printed' the paper's formula (differs only in bias terms). */
  form: AnalyticForm;
}

/** A kernel on one pair given <x, x'>, |x|^2 and |x'|^2. */
export type PairKernelFn = (dot: number, sqNorm1: number, sqNorm2: number) => number;
