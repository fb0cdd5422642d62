import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Signed messages for the internal Redis bus (route table, desired-state
 * notifications, log lines): HMAC-SHA256 under SLIPWAY_INTERNAL_SECRET over the
 * payload, a timestamp and a nonce. A process holding Redis access but not the
 * secret can neither forge nor alter a message; receivers refuse stale ones and,
 * with a `NonceCache`, replays.
 */
export interface SignedMessage {
  /** The payload, as the writer produced it. */
  p: string;
  /** Milliseconds since the epoch when it was signed. */
  t: number;
  /** Random, unique per message. */
  n: string;
  /** base64url HMAC-SHA256 of `t.n.p`. */
  s: string;
}

const envelope = z.strictObject({ p: z.string(), t: z.number().int().nonnegative(), n: z.string().min(8).max(64), s: z.string().min(1).max(128) });

/** SLIPWAY_INTERNAL_SECRET in each process's config: long enough to resist guessing. */
export const internalSecret = z.string().min(32, 'SLIPWAY_INTERNAL_SECRET must be at least 32 characters (openssl rand -hex 32)');

const mac = (secret: string, t: number, n: string, p: string): Buffer => createHmac('sha256', secret).update(`${t}.${n}.${p}`).digest();

/** The wire form of `payload`, signed now. */
export function sign(payload: string, secret: string, now = Date.now()): string {
  const n = randomBytes(12).toString('base64url');
  return JSON.stringify({ p: payload, t: now, n, s: mac(secret, now, n, payload).toString('base64url') } satisfies SignedMessage);
}

export interface VerifyOptions {
  /** Refuse messages signed longer ago than this (and more than this in the future); omit for stored entries. */
  maxAgeMs?: number;
  /** Refuse a nonce seen before (replays). */
  nonces?: NonceCache;
  now?: number;
}

export type Verified = { ok: true; payload: string; signedAt: number } | { ok: false; reason: 'malformed' | 'bad-signature' | 'stale' | 'replayed' };

/** Checks a wire message; the payload is returned only when every check passes. */
export function verify(message: string, secret: string, opts: VerifyOptions = {}): Verified {
  let parsed: SignedMessage;
  try {
    const r = envelope.safeParse(JSON.parse(message));
    if (!r.success) return { ok: false, reason: 'malformed' };
    parsed = r.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const given = Buffer.from(parsed.s, 'base64url');
  const want = mac(secret, parsed.t, parsed.n, parsed.p);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'bad-signature' };
  const now = opts.now ?? Date.now();
  if (opts.maxAgeMs !== undefined && Math.abs(now - parsed.t) > opts.maxAgeMs) return { ok: false, reason: 'stale' };
  if (opts.nonces && !opts.nonces.admit(parsed.n, parsed.t + (opts.maxAgeMs ?? 0), now)) return { ok: false, reason: 'replayed' };
  return { ok: true, payload: parsed.p, signedAt: parsed.t };
}

/**
 * Nonces seen within the freshness window. Entries expire with the window: a
 * replay older than that is already refused as stale.
 */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly maxEntries = 100_000) {}

  /** False when the nonce was seen before; otherwise remembers it until `expiresAt`. */
  admit(nonce: string, expiresAt: number, now = Date.now()): boolean {
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.maxEntries) this.prune(now);
    this.seen.set(nonce, expiresAt);
    return true;
  }

  private prune(now: number): void {
    for (const [n, exp] of this.seen) if (exp < now) this.seen.delete(n);
    // Still full of live nonces: drop the oldest (insertion order) rather than grow without bound.
    for (const n of this.seen.keys()) {
      if (this.seen.size < this.maxEntries) break;
      this.seen.delete(n);
    }
  }
}
