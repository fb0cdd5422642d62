import type { Redis } from 'ioredis';
import { sign, verify } from '@slipway/core';

/** Redis stream per build: one entry per output line, then one `end` entry. Kept a day after the build ends. */
export const buildLogKey = (buildId: string): string => `slipway:build:${buildId}:log`;
const KEEP_SECONDS = 24 * 3600;

export type BuildOutcome = { status: 'succeeded'; releaseVersion: number; image: string } | { status: 'failed' | 'cancelled'; failure: string };
/** `detail` lines are the engine's own step lines, which followers show only when asked (`git push -o verbose`). */
export type BuildLogEvent = { type: 'line'; line: string } | { type: 'detail'; line: string } | ({ type: 'end' } & BuildOutcome);
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

export async function publishLine(redis: Redis, buildId: string, line: string, secret?: string, kind: 'line' | 'detail' = 'line'): Promise<void> {
  await redis.xadd(buildLogKey(buildId), '*', kind, entryValue(buildId, kind, line, secret));
}

export async function publishEnd(redis: Redis, buildId: string, outcome: BuildOutcome, secret?: string): Promise<void> {
  const value = entryValue(buildId, 'end', JSON.stringify(outcome), secret);
  await redis.multi().xadd(buildLogKey(buildId), '*', 'end', value).expire(buildLogKey(buildId), KEEP_SECONDS).exec();
}

/** Shown once to a follower when entries are dropped: usually the builder and the API disagree on the secret. */
export const DROPPED_ENTRY_WARNING = '!     Build output entries that failed their signature check were dropped (do the builder and the API share SLIPWAY_INTERNAL_SECRET?)';

export interface FollowOptions {
  /** How long one read waits for new entries. */
  blockMs?: number;
  /**
   * The build's recorded outcome (null while it runs), asked after each quiet read: a
   * follower whose end entry was dropped or lost still ends, with what the database says.
   */
  settled?: () => Promise<BuildOutcome | null>;
  /** How long Redis may stay unreachable before the follower gives up (default a minute). */
  reconnectMs?: number;
}

/**
 * Every log event of a build from the start, then live ones as they are published,
 * until the end event. With a secret, entries that fail verification are skipped (and
 * the follower told so once). Uses its own blocking connection, closed when iteration stops.
 */
export async function* followBuildLog(redis: Redis, buildId: string, secret?: string, opts: FollowOptions = {}): AsyncGenerator<BuildLogEvent> {
  const conn = redis.duplicate();
  // A lost connection fails the read below, which retries; the event itself needs no handling.
  conn.on('error', () => undefined);
  let cursor = '0';
  let warned = false;
  let lostSince: number | null = null;
  try {
    for (;;) {
      let res: Awaited<ReturnType<typeof conn.xread>>;
      try {
        res = await conn.xread('BLOCK', opts.blockMs ?? 5000, 'STREAMS', buildLogKey(buildId), cursor);
        lostSince = null;
      } catch (err) {
        // Redis restarting: the build goes on without it, so keep following; the database says when it ends.
        lostSince ??= Date.now();
        if (Date.now() - lostSince > (opts.reconnectMs ?? 60_000)) throw err;
        await new Promise((r) => setTimeout(r, 1_000));
        res = null;
      }
      if (res === null && opts.settled) {
        const outcome = await opts.settled();
        if (outcome) {
          yield { type: 'end', ...outcome };
          return;
        }
      }
      for (const [, entries] of res ?? []) {
        for (const [id, fields] of entries) {
          cursor = id;
          const [kind, value = ''] = fields;
          if (kind !== 'line' && kind !== 'detail' && kind !== 'end') continue;
          const text = readEntry(buildId, kind, value, secret);
          if (text === null) {
            if (!warned) yield { type: 'line', line: DROPPED_ENTRY_WARNING };
            warned = true;
            continue;
          }
          if (kind === 'line' || kind === 'detail') yield kind === 'line' ? { type: 'line', line: text } : { type: 'detail', line: text };
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
