// Shared by the ONNX import tests: open a fixture through the registry, deterministic probe inputs, the coded error a call fails with.
import { expect } from 'vitest';
import { CodedError } from '../../../../src-main/contract/result';
import { memoryContext } from '../../../../src-main/node/onnx/import/import-context';
import type { ImportedModel } from '../../../../src-main/node/onnx/import/imported-model';
import { defaultRegistry } from '../../../../src-main/node/onnx/import/importer-registry';
import type { ImportOptions } from '../../../../src-main/node/onnx/import/import-options';
import { createRng } from '../../../../src-main/core/random';
import type { Fixture } from '../../../fixtures/onnx/make-fixtures';

export function openFixture(f: Fixture, options?: ImportOptions): Promise<ImportedModel> {
  return defaultRegistry().open(memoryContext(f.file, f.bytes, f.siblings), options);
}

/** n samples of `size` values, N(0, 0.64), seeded. */
export function probeInputs(n: number, size: number, seed = 3): Float64Array {
  const rng = createRng(seed, 'probe');
  return Float64Array.from({ length: n * size }, () => 0.8 * rng.normal());
}

/** Runs `action` and returns the CodedError it throws (failing the test on success or on any other error). */
export async function codedError(action: () => Promise<unknown>): Promise<CodedError> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof CodedError)) throw error;
    return error;
  }
  expect.unreachable('expected a CodedError');
  throw new Error('unreachable');
}
