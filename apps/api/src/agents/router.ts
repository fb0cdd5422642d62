import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type Docker from 'dockerode';
import type { z } from 'zod';
import { SlipwayError, hashToken, newToken, unauthorized } from '@slipway/core';
import type { Logger, SecretBox } from '@slipway/core';
import { isDatabaseUnavailable, type Db } from '@slipway/db';
import { goneBuildsRequest, heartbeatRequest, logBatch, registerRequest } from '@slipway/agent/protocol';
import type { GoneBuildsResponse, HeartbeatResponse, RegisterResponse } from '@slipway/agent/protocol';
import { BLIND_UNTIL_KEY, DESIRED_CHANNEL, desiredNotice } from '@slipway/scheduler/channels';
import { joinTokenMatches, nodeOf, requireNode } from './auth.ts';
import { applyReport } from './report.ts';
import { MemorySeriesWriter } from './memory-series.ts';
import { assignmentsFor } from './assignments.ts';
import { publishLogs } from './logs.ts';
import { createImagesRouter } from './images.ts';
import { declaredBodyLimit } from '../http/body-limit.ts';

export interface AgentRouterDeps {
  db: Db;
  redis: Redis;
  box: SecretBox;
  log: Logger;
  /** Shared secret a new node presents once to register (SLIPWAY_JOIN_TOKEN). */
  joinToken: string;
  /** SLIPWAY_INTERNAL_SECRET: signs desired-state notices and log lines. */
  internalSecret?: string;
  /** The control plane's engine, where release images are built and fetched from (default: the local socket). */
  docker?: Docker;
}

/** Long enough for any scheduler to read it after the outage; a later mark replaces it. */
const BLIND_MARK_TTL_MS = 600_000;

const jsonBody = (maxBytes: number) => [declaredBodyLimit(maxBytes), express.json({ limit: maxBytes })];

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new SlipwayError('validation_failed', 'Invalid agent message', r.error.issues);
  return r.data;
}

/**
 * The control-plane side of the node agents, mounted at /v1/agent:
 * POST /register (join token → node credential), POST /heartbeat, POST /logs, POST /gone-builds,
 * GET /images/:ref (node credential).
 */
export function createAgentRouter(deps: AgentRouterDeps): Router {
  const { db, redis, box, log } = deps;
  const router = Router();
  const memorySeries = new MemorySeriesWriter(redis);
  // Bodies are read only after the caller is known: the node credential is checked first, and a body over the limit
  // is refused from its Content-Length (or as soon as a chunked one passes it) without being buffered. Registration
  // carries its join token in a small body, so an unauthenticated caller can make the API read at most 4 KB.
  const nodeBody = [requireNode(db), ...jsonBody(8 * 1024 * 1024)];
  const registerBody = jsonBody(4096);

  router.post('/register', ...registerBody, async (req: Request, res: Response) => {
    const body = parse(registerRequest, req.body);
    if (!joinTokenMatches(body.joinToken, deps.joinToken)) throw unauthorized('Invalid join token');
    // Re-registering a name rotates its credential: the old one stops working at once.
    const credential = newToken('node');
    // Registering is hearing from the node: its heartbeat timeout starts now, not at its first heartbeat.
    const fields = { address: body.address, memoryMb: body.memoryMb, cpus: body.cpus, labels: body.labels, credentialHash: hashToken(credential), lastHeartbeatAt: new Date() };
    const node = await db.node.upsert({ where: { name: body.name }, create: { name: body.name, ...fields }, update: fields });
    log.info({ node: node.name, address: body.address }, 'node registered');
    res.status(201).json({ nodeId: node.id, credential } satisfies RegisterResponse);
  });

  router.post('/heartbeat', ...nodeBody, async (req: Request, res: Response) => {
    const body = parse(heartbeatRequest, req.body);
    const node = nodeOf(res);
    const before = await db.node.update({ where: { id: node.id }, data: { lastHeartbeatAt: new Date(), memoryMb: body.memoryMb, cpus: body.cpus, labels: body.labels } });
    if (before.status === 'down') {
      await db.node.updateMany({ where: { id: node.id, status: 'down' }, data: { status: 'ready' } });
      log.info({ node: node.name }, 'node back up');
      await redis.publish(DESIRED_CHANNEL, desiredNotice('*', deps.internalSecret));
    }
    await memorySeries.record(node.id, await applyReport(db, redis, node.id, body.containers, deps.internalSecret));
    res.json({ instances: await assignmentsFor(db, box, node.id) } satisfies HeartbeatResponse);
  });

  router.post('/logs', ...nodeBody, async (req: Request, res: Response) => {
    const body = parse(logBatch, req.body);
    await publishLogs(db, redis, nodeOf(res).id, body.lines, deps.internalSecret);
    res.status(204).end();
  });

  // Image garbage collection: of the builds a node's images name, those whose app was destroyed (a build's row
  // goes only with its app). The node learns nothing about builds it does not name.
  router.post('/gone-builds', ...nodeBody, async (req: Request, res: Response) => {
    const { builds } = parse(goneBuildsRequest, req.body);
    const known = new Set((await db.build.findMany({ where: { id: { in: builds } }, select: { id: true } })).map((b) => b.id));
    res.json({ gone: builds.filter((b) => !known.has(b)) } satisfies GoneBuildsResponse);
  });

  router.use(createImagesRouter(db, log, deps.docker));

  // A heartbeat dropped for the control plane's own fault says nothing about the node: mark the moment,
  // so the scheduler counts no node's silence from before it (node-judge.ts).
  router.use((err: unknown, req: Request, _res: Response, next: NextFunction) => {
    if (req.path !== '/heartbeat' || !isDatabaseUnavailable(err)) return next(err);
    redis.set(BLIND_UNTIL_KEY, String(Date.now()), 'PX', BLIND_MARK_TTL_MS).then(
      () => next(err),
      () => next(err), // Redis down too: the scheduler is blind then anyway (it cannot hold its lease)
    );
  });

  // Agents get plain JSON errors even when mounted outside the API's own error handler.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!(err instanceof SlipwayError)) return next(err);
    res.status(err.status).json(err.toJSON());
  });
  return router;
}
