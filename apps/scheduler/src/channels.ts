import { z } from 'zod';
import { sign, verify, type NonceCache } from '@slipway/core';

/** Redis names shared by the API, the agent endpoints and the scheduler. */

/** Publish an app id (`*`: every app) here after any change to its desired state (scale, release, restart, rollback), through `desiredNotice`. */
export const DESIRED_CHANNEL = 'slipway:desired:changed';
/** Older notices are refused: a notice only says "look again", so a late one is worthless and a replayed one suspect. */
export const NOTICE_MAX_AGE_MS = 60_000;

/** The message for DESIRED_CHANNEL: the app id, signed when the platform has an internal secret. */
export const desiredNotice = (appId: string, secret?: string): string => (secret ? sign(appId, secret) : appId);

/** Any bus payload (log line, run exit), signed when the platform has an internal secret. */
export const busMessage = (payload: string, secret?: string): string => (secret ? sign(payload, secret) : payload);

/**
 * The payload of a bus message or stored entry, or null when a secret is set and it is unsigned or
 * forged (and, with `maxAgeMs`/`nonces`, stale or replayed). Without a secret, the message as is.
 */
export function readBusMessage(message: string, secret?: string, opts: { maxAgeMs?: number; nonces?: NonceCache } = {}): string | null {
  if (!secret) return message;
  const v = verify(message, secret, opts);
  return v.ok ? v.payload : null;
}

/** The app id of a notice, or null when a secret is set and the notice is unsigned, forged, stale or replayed. */
export function readDesired(message: string, secret?: string, nonces?: NonceCache): string | null {
  return readBusMessage(message, secret, { maxAgeMs: NOTICE_MAX_AGE_MS, nonces });
}
/**
 * Epoch ms (a decimal string) until which the control plane could not hear heartbeats: the API sets it
 * when it drops a heartbeat for its own dependency's fault (its database down), so no node is judged on it.
 */
export const BLIND_UNTIL_KEY = 'slipway:cp:blind-until';
/** Leader lease: one scheduler holds it and acts. */
export const LEADER_KEY = 'slipway:scheduler:leader';
/** Live log lines of an app, JSON `LogLine` of @slipway/api-types. */
export const logsChannel = (appId: string): string => `slipway:logs:${appId}`;
/** The last lines of an app's log (a capped list), for `logs` without `--tail`. */
export const recentLogsKey = (appId: string): string => `slipway:logs:${appId}:recent`;
export const RECENT_LOG_LINES = 1_500;
/** A one-off container's exit, JSON `{ instanceId, exitCode }` through `runExitMessage`. */
export const runExitChannel = (instanceId: string): string => `slipway:run:${instanceId}:exit`;

const runExit = z.object({ instanceId: z.string(), exitCode: z.number().int().nullable() });

/** The exit of a one-off, naming its instance so a signed exit cannot end another run's stream. */
export const runExitMessage = (instanceId: string, exitCode: number | null, secret?: string): string => busMessage(JSON.stringify({ instanceId, exitCode }), secret);

/** The exit code of this run, or undefined when the message is unsigned, forged, stale, replayed or another run's. */
export function readRunExit(instanceId: string, message: string, secret?: string, opts: { maxAgeMs?: number; nonces?: NonceCache } = {}): { exitCode: number | null } | undefined {
  const payload = readBusMessage(message, secret, opts);
  const parsed = payload === null ? undefined : runExit.safeParse(JSON.parse(payload)).data;
  return parsed?.instanceId === instanceId ? { exitCode: parsed.exitCode } : undefined;
}
