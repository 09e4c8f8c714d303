// Refuses a training run whose estimated memory (contract/run-memory.ts, the figure the New-run form shows) exceeds
// what this host can still give the process, before anything is allocated: a run that does not fit would otherwise
// allocate until the OS kills it. The service checks at runs:start; every training entry checks once its data is loaded.
import { freemem } from 'node:os';
import { CodedError } from '../contract/result';
import type { RunConfig } from '../contract/run-config';
import type { DatasetSize } from '../contract/run-config-rules';
import { estimateRunMemory, formatBytes, type MemoryEstimate } from '../contract/run-memory';

/** Bytes the process can still allocate: free memory, within any cgroup limit (process.availableMemory, Node 20.13+). */
export function availableMemory(): number {
  return typeof process.availableMemory === 'function' ? process.availableMemory() : freemem();
}

function describe(estimate: MemoryEstimate): string {
  const { parameters, optimizer, kernels, activations, ntk, data } = estimate.parts;
  const parts: [string, number][] = [
    [`${estimate.paramCount.toLocaleString('en')} parameters`, parameters + optimizer],
    [`${estimate.kernelRows} x ${estimate.kernelRows} kernels`, kernels],
    ['eNTK working set', ntk],
    ['activations', activations],
    ['data', data],
  ];
  return parts
    .filter(([, bytes]) => bytes > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([what, bytes]) => `${what} ${formatBytes(bytes)}`)
    .join(', ');
}

/**
 * Throws CodedError `train/insufficient-memory` when the run needs more than `available` bytes, stating both.
 * `size` is the loaded dataset's; without it the config must tell (file data is then checked once loaded).
 */
export function assertRunFits(config: RunConfig, size?: DatasetSize, available: number = availableMemory()): void {
  const estimate = estimateRunMemory(config, size);
  if (estimate === null || estimate.bytes <= available) return;
  throw new CodedError(
    'train/insufficient-memory',
    `this run needs about ${formatBytes(estimate.bytes)} of memory (${describe(estimate)}), but ${formatBytes(available)} is available on this host; use a smaller width, depth or n, a trace kernel, or a host with more memory`,
  );
}
