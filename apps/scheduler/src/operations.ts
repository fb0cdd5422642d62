import { z } from 'zod';
import type { Redis } from 'ioredis';
import type { Db } from '@slipway/db';
import { SlipwayError, badRequest, notFound, processType } from '@slipway/core';
import { DESIRED_CHANNEL } from './channels.ts';
import { defaultPolicy } from './model.ts';
import { place } from './placement/index.ts';
import { loadState } from './state.ts';
import { nextNames } from './names.ts';

/** Operations the API calls (ps:scale, ps:restart, ps:stop, run, nodes:drain). Each validates, writes desired state and notifies. */

export const MAX_QUANTITY = 100;
export const scaleChanges = z.record(processType, z.number().int().min(0).max(MAX_QUANTITY, `At most ${MAX_QUANTITY} instances per process type`));

const notify = (redis: Redis, appId: string) => redis.publish(DESIRED_CHANNEL, appId);

/** `ps:scale web=3 worker=1`: only process types of the current release; all or nothing. */
export async function scaleFormation(db: Db, redis: Redis, appId: string, changes: unknown): Promise<void> {
  const parsed = scaleChanges.safeParse(changes);
  if (!parsed.success) throw new SlipwayError('validation_failed', `Invalid scale: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const release = await db.release.findFirst({ where: { appId, status: { not: 'failed' } }, orderBy: { version: 'desc' }, select: { processTypes: true } });
  const known = Object.keys(z.record(z.string(), z.string()).catch({}).parse(release?.processTypes ?? {}));
  const unknown = Object.keys(parsed.data).filter((t) => !known.includes(t));
  if (unknown.length > 0) throw badRequest(`Unknown process type ${unknown.join(', ')}: this app has ${known.join(', ') || 'none yet (push code first)'}`);
  await db.$transaction(Object.entries(parsed.data).map(([type, quantity]) =>
    db.formation.upsert({ where: { appId_type: { appId, type } }, create: { appId, type, quantity }, update: { quantity } })));
  await notify(redis, appId);
}

/** `ps:restart [type]`: drains the instances; the scheduler starts fresh ones in their place. */
export async function restartProcesses(db: Db, redis: Redis, appId: string, type?: string): Promise<number> {
  const { count } = await db.instance.updateMany({ where: { appId, type: type ?? { not: 'run' }, state: { in: ['pending', 'starting', 'running', 'crashed'] } }, data: { state: 'draining' } });
  await notify(redis, appId);
  return count;
}

/** `ps:stop web.2`: stops one instance (the formation brings a fresh one, as on Heroku). */
export async function stopInstance(db: Db, redis: Redis, appId: string, name: string): Promise<void> {
  const { count } = await db.instance.updateMany({ where: { appId, name, state: { notIn: ['stopped', 'draining'] } }, data: { state: 'draining' } });
  if (count === 0) throw notFound(`Instance ${name}`);
  await notify(redis, appId);
}

/**
 * `run -a APP -- CMD`: a one-off container with the current release's env on a node chosen by placement.
 * Subscribe to logsChannel(appId) (lines with dyno = name) and runExitChannel(instanceId) ({ exitCode }) before calling.
 */
export async function startOneOff(db: Db, redis: Redis, appId: string, command: string, memoryMb = 512): Promise<{ instanceId: string; name: string }> {
  if (command.trim() === '') throw badRequest('Give a command to run');
  const release = await db.release.findFirst({ where: { appId, status: { in: ['succeeded', 'deploying', 'pending'] }, image: { not: null } }, orderBy: { version: 'desc' } });
  if (!release) throw badRequest('This app has no release to run yet: push code first');
  const state = await loadState(db);
  const runs = await db.instance.findMany({ where: { appId, type: 'run' }, select: { name: true } });
  const { nodeIds } = place({ appId, type: 'run', memoryMb, constraints: {} }, 1, state.nodes, state.instances, Date.now(), defaultPolicy);
  if (nodeIds.length === 0) throw new SlipwayError('unavailable', 'No node has room for a one-off container right now');
  const [name] = nextNames('run', runs.map((r) => r.name), 1);
  const row = await db.instance.create({ data: { appId, releaseId: release.id, type: 'run', name: name!, nodeId: nodeIds[0]!, command } });
  return { instanceId: row.id, name: row.name };
}

/** `nodes:drain NAME`: no new placements; instances move away (replacement first, then the old drains). */
export async function drainNode(db: Db, redis: Redis, name: string): Promise<void> {
  const { count } = await db.node.updateMany({ where: { name }, data: { status: 'draining' } });
  if (count === 0) throw notFound(`Node ${name}`);
  await redis.publish(DESIRED_CHANNEL, '*');
}

/** `nodes:remove NAME`: forgets the node; its instances are re-placed and its credential stops working. */
export async function removeNode(db: Db, redis: Redis, name: string): Promise<void> {
  const { count } = await db.node.deleteMany({ where: { name } });
  if (count === 0) throw notFound(`Node ${name}`);
  await redis.publish(DESIRED_CHANNEL, '*');
}
