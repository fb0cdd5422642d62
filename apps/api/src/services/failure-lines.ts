import { setTimeout as sleep } from 'node:timers/promises';
import { recentLogsKey } from '@slipway/scheduler/channels';
import type { LogLine } from '@slipway/api-types';
import type { Deps } from '../deps.ts';
import { readLogEntry } from '../agents/log-entry.ts';

/** How many lines a failed push shows of what failed (Heroku shows the tail of the release phase). */
export const FAILURE_LINES = 20;

/** Agents ship log lines a moment after the exit they report: wait that long before reading the tail. */
const LOG_LAG_MS = 1_500;

/** The last lines the release command printed, as stored on its release. */
export async function releaseOutputTail(deps: Deps, releaseId: string): Promise<string[]> {
  await sleep(LOG_LAG_MS);
  const r = await deps.db.release.findUnique({ where: { id: releaseId }, select: { releaseOutput: true } });
  return (r?.releaseOutput ?? '').split('\n').filter((l) => l !== '').slice(-FAILURE_LINES);
}

/**
 * The last log lines of the instance a rollout failure names (`web instance web.1 failed …`),
 * or of every instance of the app when it names none, since the release was made.
 */
export async function failingInstanceTail(deps: Deps, appId: string, since: Date, failure: string): Promise<string[]> {
  await sleep(LOG_LAG_MS);
  const dyno = /\binstance (\S+)/.exec(failure)?.[1];
  const raw = await deps.redis.lrange(recentLogsKey(appId), -2000, -1);
  return raw
    .map((r) => readLogEntry(appId, r, deps.config.SLIPWAY_INTERNAL_SECRET))
    .filter((l): l is LogLine => l !== null && l.type !== 'run' && new Date(l.ts) >= since && (dyno === undefined || l.dyno === dyno))
    .slice(-FAILURE_LINES)
    .map((l) => `${l.dyno}: ${l.line}`);
}
