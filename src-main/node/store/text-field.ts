// Names, tags and other short text the user types: trimmed, and refused when empty or too long.
import { CodedError } from '../../contract/result';

export function checkText(what: string, value: string, max: number): string {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  if (trimmed.length === 0 || trimmed.length > max) throw new CodedError('data/invalid', `a ${what} has 1 to ${max} characters`);
  return trimmed;
}
