import type { z } from 'zod';
import { ValidationFailed, type FieldError } from '@handoff/contracts';

/** `workingHours.mon[0].end`: the path a person editing the configuration would look for. */
function fieldPathOf(path: readonly PropertyKey[]): string {
  let field = '';
  for (const key of path) {
    if (typeof key === 'number') field += `[${key}]`;
    else field += field ? `.${String(key)}` : String(key);
  }
  return field;
}

function fieldErrorsOf(issue: z.core.$ZodIssue): FieldError[] {
  const field = fieldPathOf(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, message: 'unknown field' }));
  }
  return [{ field: field || '(root)', message: issue.message }];
}

/** Parses configuration data or throws `ValidationFailed` naming every bad field of `subject`. */
export function parseOrFail<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationFailed(result.error.issues.flatMap(fieldErrorsOf), subject);
}
