// What an async call failed with, as one string a test compares: "code: message" for a CodedError, 'no error' when it
// resolved; anything uncoded is rethrown (a crash is never an acceptable answer to bad input).
import { CodedError } from '../../src-main/contract/result';

export async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof CodedError) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}
