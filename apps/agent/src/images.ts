import type Docker from 'dockerode';
import type { Logger } from '@slipway/core';
import type { ControlPlane } from './client.ts';

/**
 * Makes sure a release image is on this node's engine before a container is created
 * from it: a missing image is downloaded from the control plane (`docker save` tar) and
 * loaded. Concurrent starts of one image share a single download.
 */
export class ImageFetcher {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly docker: Docker, private readonly cp: ControlPlane, private readonly log: Logger) {}

  async ensure(ref: string): Promise<void> {
    if (await this.present(ref)) return;
    let pending = this.inFlight.get(ref);
    if (!pending) {
      pending = this.fetch(ref).finally(() => this.inFlight.delete(ref));
      this.inFlight.set(ref, pending);
    }
    await pending;
  }

  private present(ref: string): Promise<boolean> {
    return this.docker.getImage(ref).inspect().then(() => true, () => false);
  }

  private async fetch(ref: string): Promise<void> {
    const started = Date.now();
    const tar = await this.cp.image(ref);
    const progress = await this.docker.loadImage(tar);
    const out = await new Promise<{ error?: string }[]>((resolve, reject) =>
      this.docker.modem.followProgress(progress, (err, res) => (err ? reject(err) : resolve((res ?? []) as { error?: string }[]))));
    const failed = out.find((o) => o.error);
    if (failed) throw new Error(`loading image ${ref} failed: ${failed.error}`);
    // A cut transfer can leave the engine without the image and without an error line.
    if (!(await this.present(ref))) throw new Error(`image ${ref} was not loaded (transfer incomplete)`);
    this.log.info({ image: ref, ms: Date.now() - started }, 'image fetched from the control plane');
  }
}
