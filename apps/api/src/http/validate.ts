import type { z } from 'zod';
import { SlipwayError } from '@slipway/core';

/** Parses request input against a schema; unknown keys are refused by strict schemas. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  const first = issues[0];
  throw new SlipwayError('validation_failed', first ? `${first.path}: ${first.message}` : `Invalid ${where}`, { issues });
}
