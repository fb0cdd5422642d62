import type Docker from 'dockerode';
import { z } from 'zod';
import type { Logger } from '@slipway/core';
import type { ControlPlane } from './client.ts';

/**
 * The label the builder puts on every image it makes (apps/builder/src/build/run-build.ts):
 * the id of the Build it made it for. A build's row lives as long as its app (an app's
 * name can change, and be taken again once it is destroyed), so "no such build any more"
 * is what says an image's app was destroyed.
 */
export const BUILD_LABEL = 'slipway.build';
const buildId = z.uuid();

/** A release image on an engine. */
export interface ReleaseImage {
  id: string;
  build: string;
}

/** Which images go: those of builds that no longer exist, unless a container on the engine was created from them. */
export function imagesToRemove(images: readonly ReleaseImage[], goneBuilds: ReadonlySet<string>, inUse: ReadonlySet<string>): ReleaseImage[] {
  return images.filter((i) => goneBuilds.has(i.build) && !inUse.has(i.id));
}

/** The engine's release images (the stack images carry no build label). */
export async function releaseImages(docker: Docker): Promise<ReleaseImage[]> {
  const listed = await docker.listImages({ filters: JSON.stringify({ label: [BUILD_LABEL] }) });
  return listed.map((i) => ({ id: i.Id, build: i.Labels?.[BUILD_LABEL] ?? '' })).filter((i) => buildId.safeParse(i.build).success);
}

/** Ids of the images the engine's containers (running or stopped) were created from. */
export async function imagesInUse(docker: Docker): Promise<Set<string>> {
  return new Set((await docker.listContainers({ all: true })).map((c) => c.ImageID));
}

/**
 * Removes each image by id, with all its tags. Idempotent: an image already gone (404)
 * counts as removed. Forced only so that an image's several tags go with it (Docker refuses
 * that otherwise): callers leave out images any container uses, and Docker still refuses
 * (409) one a container runs from or another image is built on; that one is kept, for a
 * later pass. Other errors are thrown.
 */
export async function removeImages(docker: Docker, images: readonly ReleaseImage[]): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const image of images) {
    try {
      await docker.getImage(image.id).remove({ force: true });
      removed.push(image.id);
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if (code === 404) removed.push(image.id);
      else if (code === 409) kept.push(image.id);
      else throw err;
    }
  }
  return { removed, kept };
}

/**
 * A node's release images of destroyed apps are removed: the images' build ids are sent to
 * the control plane, which answers which builds no longer exist. Only the images listed
 * before asking are candidates, so an image made meanwhile (on an engine the builder shares)
 * is never taken for an old one. Runs at the first pass after the agent starts (a node back
 * from downtime cleans up at once), then every `intervalMs`.
 */
export class ImageGc {
  private nextAt = 0;

  constructor(private readonly docker: Docker, private readonly cp: ControlPlane, private readonly log: Logger, private readonly intervalMs: number) {}

  /** A collection when one is due; failures are logged and retried at the next interval. */
  async runIfDue(now = Date.now()): Promise<void> {
    if (now < this.nextAt) return;
    this.nextAt = now + this.intervalMs;
    await this.collect().catch((err: unknown) => this.log.warn({ err }, 'image garbage collection failed'));
  }

  /**
   * Removes the release images of destroyed apps that no container uses, among `images`
   * (by default all of the engine's); returns the removed image ids.
   */
  async collect(images?: ReleaseImage[]): Promise<string[]> {
    images ??= await releaseImages(this.docker);
    const builds = [...new Set(images.map((i) => i.build))];
    if (builds.length === 0) return [];
    const gone = new Set(await this.cp.goneBuilds(builds));
    const { removed, kept } = await removeImages(this.docker, imagesToRemove(images, gone, await imagesInUse(this.docker)));
    if (removed.length) this.log.info({ images: removed.length }, 'images of destroyed apps removed');
    if (kept.length) this.log.info({ images: kept.length }, 'images of destroyed apps still in use; kept for a later pass');
    return removed;
  }
}
