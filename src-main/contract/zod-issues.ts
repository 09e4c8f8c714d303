// The one way a zod failure is put into words: a line per problem with its path, e.g.
// `model.width: Too small: expected number to be >0`. Used for run and import configs and request payloads.
import type { z } from 'zod';

export function describeIssues(error: z.ZodError, root = '(top level)'): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : root}: ${issue.message}`);
}
