import { z } from 'zod';
import { processType } from '@slipway/core';
import { restartProcesses, stopInstance } from '@slipway/scheduler/operations';
import type { Instance } from '@slipway/api-types';
import { memoryLimitMb } from '../agents/assignments.ts';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { desiredNotifier } from '../services/releases.ts';

export const instanceRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/instances',
    tag: 'processes',
    summary: 'Running instances (dynos): node, state, health, readiness (and why not), uptime, restarts, memory use and limit, and why the last one crashed',
    handler: async ({ deps, principal, params }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const [rows, formation] = await Promise.all([
        deps.db.instance.findMany({
          where: { appId: app.id, state: { not: 'stopped' } },
          include: { node: { select: { name: true } }, release: { select: { version: true } } },
          orderBy: [{ type: 'asc' }, { name: 'asc' }],
        }),
        deps.db.formation.findMany({ where: { appId: app.id }, select: { type: true, memoryMb: true } }),
      ]);
      const limitOf = new Map(formation.map((f) => [f.type, f.memoryMb]));
      const now = Date.now();
      return rows.map((i): Instance => ({
        id: i.id,
        name: i.name,
        type: i.type,
        state: i.state,
        healthy: i.healthy,
        ready: i.ready,
        notReady: i.ready ? null : i.notReady,
        node: i.node?.name ?? null,
        release: i.release.version,
        restarts: i.restarts,
        lastExitCode: i.lastExitCode,
        lastError: i.lastError,
        startedAt: i.startedAt?.toISOString() ?? null,
        uptimeSeconds: i.startedAt && i.state === 'running' ? Math.floor((now - i.startedAt.getTime()) / 1000) : 0,
        memoryUsedMb: i.memoryUsedMb,
        // The limit its container got (see assignmentsFor).
        memoryLimitMb: memoryLimitMb(i.memoryMb, limitOf.get(i.type)),
      }));
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/instances/restart',
    tag: 'processes',
    summary: 'Restart all instances, or those of one process type (rolling: fresh ones replace the old)',
    status: 202,
    body: z.strictObject({ type: processType.optional() }),
    handler: async ({ deps, principal, params, body, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const restarted = await restartProcesses(deps.db, desiredNotifier(deps), app.id, body.type);
      await audit(deps, req, principal, { action: 'ps.restart', teamId: app.teamId, appId: app.id, target: body.type ?? 'all' });
      return { restarted };
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/instances/:name/stop',
    tag: 'processes',
    summary: 'Stop one instance, e.g. web.2 (the formation starts a fresh one, as on Heroku)',
    status: 202,
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      await stopInstance(deps.db, desiredNotifier(deps), app.id, params.name!);
      await audit(deps, req, principal, { action: 'ps.stop', teamId: app.teamId, appId: app.id, target: params.name });
      return { stopped: params.name };
    },
  }),
];
