import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import type { LogLine as AgentLogLine } from '@slipway/agent/protocol';
import type { LogLine } from '@slipway/api-types';
import { RECENT_LOG_LINES, logsChannel, recentLogsKey } from '@slipway/scheduler/channels';
import { RELEASE_OUTPUT_MAX_CHARS } from '@slipway/scheduler/release-phase';
import { isDeployTaskInstance } from '@slipway/scheduler/deploy-task';
import { logEntry } from './log-entry.ts';

/** Fans a node's log batch out per app: live on pub/sub, and into a capped list for later reads; each line signed for its app when a secret is set. */
export async function publishLogs(db: Db, redis: Redis, nodeId: string, lines: AgentLogLine[], secret?: string): Promise<void> {
  const ids = [...new Set(lines.map((l) => l.instanceId))];
  // Only instances placed on this node: a node cannot write into another app's log by guessing ids.
  const owners = await db.instance.findMany({ where: { id: { in: ids }, nodeId }, select: { id: true, appId: true, releaseId: true, name: true, type: true } });
  const byId = new Map(owners.map((o) => [o.id, o]));
  const perApp = new Map<string, string[]>();
  const releaseOutput = new Map<string, string[]>();
  for (const l of lines) {
    const o = byId.get(l.instanceId);
    if (!o) continue;
    if (isDeployTaskInstance(o)) releaseOutput.set(o.releaseId, [...(releaseOutput.get(o.releaseId) ?? []), l.line]);
    const entry: LogLine = { ts: l.ts, dyno: o.name, type: o.type, instanceId: o.id, stream: l.stream, line: l.line };
    const list = perApp.get(o.appId) ?? [];
    list.push(logEntry(o.appId, entry, secret));
    perApp.set(o.appId, list);
  }
  for (const [appId, entries] of perApp) await append(redis, appId, entries);
  for (const [releaseId, out] of releaseOutput) await appendReleaseOutput(db, releaseId, out);
}

/** Keeps the deployment tasks' output (predeploy, release command, postdeploy) on its release for `releases:output` and the push, up to a cap. */
async function appendReleaseOutput(db: Db, releaseId: string, lines: string[]): Promise<void> {
  const text = lines.map((l) => `${l}\n`).join('');
  await db.$executeRaw`UPDATE "Release" SET "releaseOutput" = COALESCE("releaseOutput", '') || ${text}
    WHERE id = ${releaseId}::uuid AND length(COALESCE("releaseOutput", '')) < ${RELEASE_OUTPUT_MAX_CHARS}`;
}

/** A line the platform writes about an instance into its app's log (Heroku's `heroku[web.1]`). */
export type PlatformLogLine = LogLine & { source: 'platform' };

/** Adds a platform line to the app's log, signed like the agents' lines. */
export async function publishPlatformLine(redis: Redis, instance: { id: string; appId: string; name: string; type: string }, line: string, secret?: string): Promise<void> {
  const entry: PlatformLogLine = { ts: new Date().toISOString(), dyno: instance.name, type: instance.type, instanceId: instance.id, stream: 'stderr', line, source: 'platform' };
  await append(redis, instance.appId, [logEntry(instance.appId, entry, secret)]);
}

/** Live on pub/sub, and into the capped list for later reads. */
async function append(redis: Redis, appId: string, entries: string[]): Promise<void> {
  const multi = redis.multi().rpush(recentLogsKey(appId), ...entries).ltrim(recentLogsKey(appId), -RECENT_LOG_LINES, -1);
  for (const e of entries) multi.publish(logsChannel(appId), e);
  await multi.exec();
}
