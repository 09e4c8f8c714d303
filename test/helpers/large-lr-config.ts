// The issue-9 reproduction at test scale: Fig. 1's FCN (m = 64) under BCE at lr 1e4. The parameters and the kernel
// overflow within a few steps while the loss stays finite; before the fix the spectrum crashed inside ml-matrix.
export const largeLrBce = {
  seed: 0,
  steps: 300,
  model: { arch: 'fcn', depth: 3, width: 64, bias: false },
  loss: { kind: 'bce', reduction: 'mean' },
  optimizer: { kind: 'gd', lr: 1e4 },
  data: { kind: 'circle', n: 6, labels: 'alternating' },
  ntk: { circleSweep: 21 },
  logging: { metrics: { logSpaced: 20 }, kernels: { logSpaced: 6 }, trackSamples: [0, 1, 2, 3, 4, 5] },
};
