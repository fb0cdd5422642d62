import type { Redis } from 'ioredis';

/** Redis stream per build: one entry per output line, then one `end` entry. Kept a day after the build ends. */
export const buildLogKey = (buildId: string): string => `slipway:build:${buildId}:log`;
const KEEP_SECONDS = 24 * 3600;

export type BuildOutcome = { status: 'succeeded'; releaseVersion: number; image: string } | { status: 'failed' | 'cancelled'; failure: string };
export type BuildLogEvent = { type: 'line'; line: string } | ({ type: 'end' } & BuildOutcome);

export async function publishLine(redis: Redis, buildId: string, line: string): Promise<void> {
  await redis.xadd(buildLogKey(buildId), '*', 'line', line);
}

export async function publishEnd(redis: Redis, buildId: string, outcome: BuildOutcome): Promise<void> {
  await redis.multi().xadd(buildLogKey(buildId), '*', 'end', JSON.stringify(outcome)).expire(buildLogKey(buildId), KEEP_SECONDS).exec();
}

/**
 * Every log event of a build from the start, then live ones as they are published,
 * until the end event. Uses its own blocking connection, closed when iteration stops.
 */
export async function* followBuildLog(redis: Redis, buildId: string, blockMs = 5000): AsyncGenerator<BuildLogEvent> {
  const conn = redis.duplicate();
  let cursor = '0';
  try {
    for (;;) {
      const res = await conn.xread('BLOCK', blockMs, 'STREAMS', buildLogKey(buildId), cursor);
      for (const [, entries] of res ?? []) {
        for (const [id, fields] of entries) {
          cursor = id;
          const [kind, value = ''] = fields;
          if (kind === 'line') yield { type: 'line', line: value };
          else if (kind === 'end') {
            yield { type: 'end', ...(JSON.parse(value) as BuildOutcome) };
            return;
          }
        }
      }
    }
  } finally {
    conn.disconnect();
  }
}
