// Result<T> and stable error codes: every request across IPC, the web bridge and the CLI answers with one.
export type ErrorCode =
  | 'config/invalid'
  | 'data/invalid'
  | 'data/shape-mismatch'
  | 'data/not-found'
  | 'train/non-finite'
  | 'train/cancelled'
  | 'train/insufficient-memory'
  | 'backend/unavailable'
  | 'io/failed'
  | 'import/unknown-format'
  | 'import/series-mismatch'
  | 'onnx/parse-failed'
  | 'onnx/invalid-model'
  | 'onnx/unsupported-model'
  | 'onnx/unsupported-op'
  | 'onnx/shape-mismatch'
  | 'onnx/missing-external-data'
  | 'onnx/validation-failed'
  | 'ntk/non-finite'
  | 'ntk/insufficient-memory'
  | 'ntk/resume-mismatch'
  | 'store/io'
  | 'store/busy'
  | 'store/corrupt'
  | 'store/version'
  | 'store/not-found'
  | 'store/conflict'
  | 'store/invalid-state'
  | 'store/too-large'
  | 'store/bad-bundle'
  | 'api/invalid-request'
  | 'api/unknown-channel'
  | 'api/unauthorized'
  | 'api/forbidden'
  | 'jobs/not-found'
  | 'sweep/incomplete'
  | 'internal';

export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** An error that carries a stable code; thrown inside services, turned into a Result at the boundary. */
export class CodedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, code, message };
}

/** The code and message of any thrown value: a CodedError keeps its code, anything else is 'internal'. */
export function failureOf(error: unknown): { code: ErrorCode; message: string } {
  if (error instanceof CodedError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
