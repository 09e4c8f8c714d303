// The contract's Result<T> as a value or a thrown ApiError that keeps the stable code, so views show
// "code: message" without every call site unpacking results.
import type { Result } from '../../../src-main/contract/result';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiError(result.code, result.message);
  return result.value;
}

/** Any thrown value as a code and a message; errors without a code are the renderer's own ('ui/error'). */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'ui/error', message: error.message };
  return { code: 'ui/error', message: String(error) };
}
