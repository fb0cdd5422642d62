import { z } from 'zod';
import { SlipwayError, notFound } from '@slipway/core';
import type { App, Build } from '@slipway/db';
import type { Build as BuildView, BuildDetail, BuildOutcome } from '@slipway/api-types';
import { buildLogKey, cancelBuild, followBuildLog, recordedOutcome } from '@slipway/builder';
import type { Deps } from '../deps.ts';
import { route } from '../http/route.ts';
import { paginate } from '../http/pagination.ts';
import { appFor } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { openStream } from '../http/stream.ts';

const FINISHED = ['succeeded', 'failed', 'cancelled'];

function buildView(b: Build & { releases?: { version: number }[] }): BuildView {
  return {
    id: b.id,
    status: b.status,
    commitSha: b.commitSha,
    branch: b.branch,
    buildpack: b.buildpack,
    image: b.image,
    failure: b.failure,
    releaseVersion: b.releases?.[0]?.version ?? null,
    createdAt: b.createdAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}

/** `latest` or a build id of this app. */
async function buildOf(deps: Deps, app: App, id: string): Promise<Build & { releases: { version: number }[] }> {
  const include = { releases: { select: { version: true }, orderBy: { version: 'asc' as const }, take: 1 } };
  const build =
    id === 'latest'
      ? await deps.db.build.findFirst({ where: { appId: app.id }, orderBy: { createdAt: 'desc' }, include })
      : z.string().uuid().safeParse(id).success
        ? await deps.db.build.findFirst({ where: { id, appId: app.id }, include })
        : null;
  if (!build) throw notFound(id === 'latest' ? `Builds of ${app.name}` : `Build ${id}`);
  return build;
}

export const buildRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/builds',
    tag: 'builds',
    summary: 'Builds, newest first',
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const where = { appId: app.id };
      return paginate(
        req.query,
        (page) => deps.db.build.findMany({ where, orderBy: { createdAt: 'desc' }, include: { releases: { select: { version: true }, orderBy: { version: 'asc' }, take: 1 } }, ...page }),
        () => deps.db.build.count({ where }),
        (rows) => rows.map(buildView),
      );
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app/builds/:id',
    tag: 'builds',
    summary: 'One build (id or `latest`) with its stored output',
    handler: async ({ deps, principal, params }): Promise<BuildDetail> => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const build = await buildOf(deps, app, params.id!);
      return { ...buildView(build), log: build.log };
    },
  }),
  route({
    method: 'get',
    path: '/v1/apps/:app/builds/:id/output',
    tag: 'builds',
    summary: "Build output as server-sent events, live while it runs: `data: {line}` events, then `event: end` with the outcome; with ?verbose=true also the engine's step lines (kept a day after the build)",
    query: z.object({ verbose: z.enum(['true', 'false']).optional() }),
    stream: 'text/event-stream',
    handler: async ({ deps, principal, params, query, req, res }) => {
      const verbose = query.verbose === 'true';
      const app = await appFor(deps, principal, params.app!, 'read');
      const build = await buildOf(deps, app, params.id!);
      const stream = openStream(req, res, 'text/event-stream');
      const outcome = (b: typeof build): BuildOutcome => ({ status: b.status, failure: b.failure, releaseVersion: buildView(b).releaseVersion });
      // The live stream has the step lines; once it expires only the stored log is left.
      if (FINISHED.includes(build.status) && !(verbose && (await deps.redis.exists(buildLogKey(build.id))))) {
        // The live stream expires a day after the build; the stored log does not.
        for (const line of build.log.split('\n').filter(Boolean)) stream.send({ line });
        stream.send(outcome(build), 'end');
        return stream.end();
      }
      const follow = followBuildLog(deps.redis, build.id, deps.config.SLIPWAY_INTERNAL_SECRET, { settled: () => recordedOutcome(deps.db, build.id) });
      void stream.closed.then(() => follow.return(undefined));
      for await (const event of follow) {
        if (event.type === 'line' || event.type === 'detail') {
          if (event.type === 'line' || verbose) stream.send({ line: event.line });
        } else stream.send((event.status === 'succeeded' ? { status: event.status, releaseVersion: event.releaseVersion } : { status: event.status, failure: event.failure }) satisfies BuildOutcome, 'end');
      }
      stream.end();
    },
  }),
  route({
    method: 'post',
    path: '/v1/apps/:app/builds/:id/cancel',
    tag: 'builds',
    summary: 'Cancel a pending or running build (a finished build is left as it is)',
    status: 202,
    handler: async ({ deps, principal, params, req }) => {
      const app = await appFor(deps, principal, params.app!, 'operate');
      const build = await buildOf(deps, app, params.id!);
      if (FINISHED.includes(build.status)) throw new SlipwayError('conflict', `Build ${build.id} already ${build.status}`);
      await cancelBuild(deps.db, deps.redis, build.id, deps.config.SLIPWAY_INTERNAL_SECRET);
      await audit(deps, req, principal, { action: 'build.cancel', teamId: app.teamId, appId: app.id, target: build.id });
      return { id: build.id, cancelling: true };
    },
  }),
];
