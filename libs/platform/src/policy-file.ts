import { z } from 'zod';

/**
 * A policy (rules, deadlines, ...) given as the path of a JSON file; absent means the built-in
 * default. The file is read and validated at start-up, and an error names the variable and the field.
 */
export const policyFile = <T>(schema: z.ZodType<T>, fallback: T) =>
  z
    .string()
    .optional()
    .transform((file, context): T => {
      if (!file) return fallback;
      let raw: unknown;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        raw = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
      } catch (error) {
        context.addIssue({ code: 'custom', message: `cannot read JSON from ${file}: ${(error as Error).message}` });
        return z.NEVER;
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          context.addIssue({ code: 'custom', message: `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}` });
        }
        return z.NEVER;
      }
      return parsed.data;
    });
