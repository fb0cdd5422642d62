import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type Docker from 'dockerode';
import type { Logger } from '@slipway/core';
import type { ControlPlane } from './client.ts';
import type { LogLine } from './protocol.ts';

const MAX_BUFFERED = 10_000;
const BATCH = 2_000;
const MAX_LINE = 16 * 1024;

/** Follows each managed container's output and ships it to the control plane in batches. */
export class LogShipper {
  private readonly following = new Set<string>();
  private buffer: LogLine[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly docker: Docker, private readonly cp: ControlPlane, private readonly log: Logger, flushMs = 500) {
    this.timer = setInterval(() => void this.flush(), flushMs);
  }

  /** Starts following a container once; `since` avoids re-sending old output after an agent restart. */
  async follow(containerId: string, instanceId: string, sinceSec: number): Promise<void> {
    if (this.following.has(containerId)) return;
    this.following.add(containerId);
    try {
      const stream = await this.docker.getContainer(containerId).logs({ follow: true, stdout: true, stderr: true, since: sinceSec });
      const out = new PassThrough();
      const err = new PassThrough();
      this.docker.modem.demuxStream(stream, out, err);
      stream.once('end', () => { out.end(); err.end(); this.following.delete(containerId); });
      for (const [s, name] of [[out, 'stdout'], [err, 'stderr']] as const) {
        createInterface({ input: s }).on('line', (line) => this.push({ instanceId, stream: name, line: line.slice(0, MAX_LINE), ts: new Date().toISOString() }));
      }
    } catch (e) {
      this.following.delete(containerId);
      this.log.warn({ err: e, containerId }, 'cannot follow container logs');
    }
  }

  private push(line: LogLine): void {
    // Shed load rather than grow without bound while the control plane is away.
    if (this.buffer.length >= MAX_BUFFERED) this.dropped++;
    else this.buffer.push(line);
  }

  async flush(): Promise<void> {
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
