import { busMessage, readBusMessage } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import type { NonceCache } from '@slipway/core';

/**
 * The wire form of one app log line, on the live channel and in the stored list. Signed, its
 * payload starts with the app id: a signed line copied into another app's channel or list
 * fails the check there, the way a route entry is bound to its host.
 */
export function logEntry(appId: string, line: LogLine, secret?: string): string {
  const json = JSON.stringify(line);
  return busMessage(secret ? `${appId}\n${json}` : json, secret);
}

/** The line, or null when a secret is set and the entry is unsigned, forged, another app's (or, with opts, stale or replayed). */
export function readLogEntry(appId: string, message: string, secret?: string, opts: { maxAgeMs?: number; nonces?: NonceCache } = {}): LogLine | null {
  const payload = readBusMessage(message, secret, opts);
  if (payload === null) return null;
  if (!secret) return JSON.parse(payload) as LogLine;
  const prefix = `${appId}\n`;
  return payload.startsWith(prefix) ? (JSON.parse(payload.slice(prefix.length)) as LogLine) : null;
}
