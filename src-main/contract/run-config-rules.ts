// The run config's rules as plain values, free of zod, so the renderer can import them too.
// Paper: Yu, Tian, Chen, "Divergence of Empirical NTK in Classification Problems", ICLR 2025.

export const KERNEL_MODES = ['full', 'trace'] as const;

/** full: (n k) x (n k), sample-major (row i*k + c); trace: n x n, the sum of the k diagonal blocks. */
export type KernelMode = (typeof KERNEL_MODES)[number];
