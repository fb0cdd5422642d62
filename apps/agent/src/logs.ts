import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { Logger } from '@slipway/core';
import type { ControlPlane } from './client.ts';
import type { LogLine } from './protocol.ts';

const MAX_BUFFERED = 10_000;
const BATCH = 2_000;
const MAX_LINE = 16 * 1024;
/** How long an exited container's remaining output may hold back the report of its exit. */
const DRAIN_MS = 3_000;

/** Follows each managed container's output and ships it to the control plane in batches. */
export class LogShipper {
  /** Containers followed (kept after their output ends, so it is never read twice), with that end. */
  private readonly following = new Map<string, Promise<void>>();
  /** Exited containers whose output was read to the end and shipped. */
  private readonly drained = new Set<string>();
  private buffer: LogLine[] = [];
  private dropped = 0;
  private flushing = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly docker: Docker, private readonly cp: ControlPlane, private readonly log: Logger, flushMs = 500) {
    this.timer = setInterval(() => void this.flush(), flushMs);
  }

  /** Starts following a container once; `since` avoids re-sending old output after an agent restart. */
  follow(containerId: string, instanceId: string, sinceSec: number): Promise<void> {
    let ended = this.following.get(containerId);
    if (ended === undefined) {
      ended = this.read(containerId, instanceId, sinceSec).then((ok) => { if (!ok) this.following.delete(containerId); });
      this.following.set(containerId, ended);
    }
    return ended;
  }

  /**
   * Reads an exited container's output to its end (once) and ships it, so its exit is
   * reported after its last line: `slipway run` prints all of a short command's output.
   */
  async drain(containerId: string, instanceId: string, sinceSec: number): Promise<void> {
    if (this.drained.has(containerId)) return;
    await Promise.race([this.follow(containerId, instanceId, sinceSec), new Promise((r) => setTimeout(r, DRAIN_MS).unref())]);
    await this.flush();
    this.drained.add(containerId);
  }

  /** The container is gone: nothing more to remember about it. */
  forget(containerId: string): void {
    this.following.delete(containerId);
    this.drained.delete(containerId);
  }

  /** False when the output could not be opened (tried again on the next tick). */
  private async read(containerId: string, instanceId: string, sinceSec: number): Promise<boolean> {
    try {
      const stream = await this.docker.getContainer(containerId).logs({ follow: true, stdout: true, stderr: true, since: sinceSec });
      const out = new PassThrough();
      const err = new PassThrough();
      this.docker.modem.demuxStream(stream, out, err);
      const lines = [[out, 'stdout'], [err, 'stderr']] as const;
      const closed = lines.map(([s, name]) => new Promise<void>((resolve) => {
        createInterface({ input: s })
          .on('line', (line) => this.push({ instanceId, stream: name, line: line.slice(0, MAX_LINE), ts: new Date().toISOString() }))
          .once('close', resolve);
      }));
      await new Promise<void>((resolve) => stream.once('end', resolve).once('error', resolve).once('close', resolve));
      out.end();
      err.end();
      await Promise.all(closed);
      return true;
    } catch (e) {
      this.log.warn({ err: e, containerId }, 'cannot follow container logs');
      return false;
    }
  }

  private push(line: LogLine): void {
    // Shed load rather than grow without bound while the control plane is away.
    if (this.buffer.length >= MAX_BUFFERED) this.dropped++;
    else this.buffer.push(line);
  }

  /** One shipment at a time, so a drain's flush returns only after earlier lines arrived. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.ship());
    return this.flushing;
  }

  private async ship(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, BATCH);
    try {
      await this.cp.logs(batch);
      if (this.dropped > 0) this.log.warn({ dropped: this.dropped }, 'log lines dropped while the control plane was unreachable');
      this.dropped = 0;
    } catch (e) {
      this.buffer.unshift(...batch.slice(0, MAX_BUFFERED - this.buffer.length));
      this.log.debug({ err: e }, 'log shipping failed; will retry');
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
