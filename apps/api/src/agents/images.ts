import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { Request, Response } from 'express';
import Docker from 'dockerode';
import { notFound } from '@slipway/core';
import type { Logger } from '@slipway/core';
import type { Db } from '@slipway/db';
import { nodeOf, requireNode } from './auth.ts';

/** Instance states in which a node may still need its image (matches assignments). */
const PLACED = ['pending', 'starting', 'running', 'draining'] as const;

/**
 * GET /images/:ref — a node fetches a release image it was assigned, as a `docker save`
 * tar from the control plane's own engine (there is no registry). A node may fetch only
 * images of releases that have an instance placed on it, so a node credential cannot be
 * used to read other apps' code.
 */
export function createImagesRouter(db: Db, log: Logger, docker = new Docker()): Router {
  const router = Router();
  router.get('/images/:ref', requireNode(db), async (req: Request, res: Response) => {
    const ref = String(req.params.ref);
    const node = nodeOf(res);
    const placed = await db.instance.findFirst({ where: { nodeId: node.id, state: { in: [...PLACED] }, release: { image: ref } }, select: { id: true } });
    if (!placed) throw notFound(`Image "${ref}" for node ${node.name}`);
    const image = docker.getImage(ref);
    const info = await image.inspect().catch(() => null);
    if (!info) throw notFound(`Image "${ref}" on the control plane's engine`);
    const tar = await image.get();
    res.status(200).type('application/x-tar').setHeader('x-image-id', info.Id);
    const started = Date.now();
    try {
      await pipeline(tar, res);
      log.info({ node: node.name, image: ref, ms: Date.now() - started }, 'image sent to node');
    } catch (err) {
      // Headers are gone: the agent sees a cut stream and reports a failed start.
      log.warn({ err, node: node.name, image: ref }, 'image transfer interrupted');
    }
  });
  return router;
}
