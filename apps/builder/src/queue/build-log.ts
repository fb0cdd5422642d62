import type { Redis } from 'ioredis';
import { sign, verify } from '@slipway/core';

/** Redis stream per build: one entry per output line, then one `end` entry. Kept a day after the build ends. */
export const buildLogKey = (buildId: string): string => `slipway:build:${buildId}:log`;
const KEEP_SECONDS = 24 * 3600;

export type BuildOutcome = { status: 'succeeded'; releaseVersion: number; image: string } | { status: 'failed' | 'cancelled'; failure: string };
export type BuildLogEvent = { type: 'line'; line: string } | ({ type: 'end' } & BuildOutcome);
type EntryKind = BuildLogEvent['type'];

/**
 * The stored value of one entry: with SLIPWAY_INTERNAL_SECRET, signed over the build id,
 * the entry's kind and its text. Entries are kept and re-read from the start by every
 * follower (the push, the dashboard, a reconnect), so the bus's usual freshness window and
 * nonce cache would refuse legitimate re-reads. Binding the signature to the build and the
 * kind instead means an entry verifies only in its own build's stream and as what it was
 * written as: a Redis writer without the secret can at most repeat a line that this very
 * build printed, never add one, move one from another build, or forge the outcome.
 */
const entryPayload = (buildId: string, kind: EntryKind, text: string): string => `${buildId}\n${kind}\n${text}`;

function entryValue(buildId: string, kind: EntryKind, text: string, secret?: string): string {
  return secret ? sign(entryPayload(buildId, kind, text), secret) : text;
}

/** The text of an entry, or null when a secret is set and the entry is unsigned, forged or from elsewhere. */
export function readEntry(buildId: string, kind: EntryKind, value: string, secret?: string): string | null {
  if (!secret) return value;
  const v = verify(value, secret);
  const prefix = entryPayload(buildId, kind, '');
  return v.ok && v.payload.startsWith(prefix) ? v.payload.slice(prefix.length) : null;
}

export async function publishLine(redis: Redis, buildId: string, line: string, secret?: string): Promise<void> {
  await redis.xadd(buildLogKey(buildId), '*', 'line', entryValue(buildId, 'line', line, secret));
}

export async function publishEnd(redis: Redis, buildId: string, outcome: BuildOutcome, secret?: string): Promise<void> {
  const value = entryValue(buildId, 'end', JSON.stringify(outcome), secret);
  await redis.multi().xadd(buildLogKey(buildId), '*', 'end', value).expire(buildLogKey(buildId), KEEP_SECONDS).exec();
}

/**
 * Every log event of a build from the start, then live ones as they are published,
 * until the end event. With a secret, entries that fail verification are skipped.
 * Uses its own blocking connection, closed when iteration stops.
 */
export async function* followBuildLog(redis: Redis, buildId: string, secret?: string, blockMs = 5000): AsyncGenerator<BuildLogEvent> {
  const conn = redis.duplicate();
  let cursor = '0';
  try {
    for (;;) {
      const res = await conn.xread('BLOCK', blockMs, 'STREAMS', buildLogKey(buildId), cursor);
      for (const [, entries] of res ?? []) {
        for (const [id, fields] of entries) {
          cursor = id;
          const [kind, value = ''] = fields;
          if (kind !== 'line' && kind !== 'end') continue;
          const text = readEntry(buildId, kind, value, secret);
          if (text === null) continue;
          if (kind === 'line') yield { type: 'line', line: text };
          else {
            yield { type: 'end', ...(JSON.parse(text) as BuildOutcome) };
            return;
          }
        }
      }
    }
  } finally {
    conn.disconnect();
  }
}
