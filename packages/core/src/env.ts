import { z } from 'zod';

/**
 * Reads and validates environment variables once at start. A bad value stops
 * the process with a message naming each offending variable.
 */
export function loadEnv<S extends z.ZodRawShape>(shape: S, source: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration in environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Common variables every process reads. */
export const commonEnv = {
  DATABASE_URL: z.string().url().default('postgresql://postgres@127.0.0.1:5432/slipway'),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
