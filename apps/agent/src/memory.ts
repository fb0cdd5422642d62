import type Docker from 'dockerode';
import type { Logger } from '@slipway/core';

/** The part of Docker's stats answer memory use is read from; cgroup v1 and v2 name the page-cache counters differently. */
export interface MemoryStatsJson {
  memory_stats?: { usage?: number; stats?: Partial<Record<string, number>> };
}

const MiB = 1024 * 1024;

/**
 * Memory in use, in whole MB, computed as `docker stats` does: the cgroup's usage minus the
 * inactive page cache the kernel can reclaim (`total_inactive_file` on cgroup v1,
 * `inactive_file` on v2). Null when Docker gives no usage (the container is not running).
 */
export function memoryUsedMb(stats: MemoryStatsJson): number | null {
  const usage = stats.memory_stats?.usage;
  if (usage === undefined) return null;
  const counters = stats.memory_stats?.stats ?? {};
  const inactive = 'total_inactive_file' in counters ? counters.total_inactive_file : counters.inactive_file;
  const used = inactive !== undefined && inactive < usage ? usage - inactive : usage;
  return Math.round(used / MiB);
}

/**
 * Samples the memory use of running containers every `intervalMs`, in the background: a
 * stats call can take a while, so a heartbeat never waits for one and sends the last sample.
 */
export class MemorySampler {
  private readonly samples = new Map<string, number>();
  private lastRound = 0;
  private current: Promise<void> | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
    private readonly concurrency = 4,
  ) {}

  /** The last sample of a container, if any. */
  usedMb(containerId: string): number | undefined {
    return this.samples.get(containerId);
  }

  /** Forgets containers no longer running and starts a round over `running` when one is due; returns at once. */
  sampleIfDue(running: string[], now = Date.now()): void {
    const keep = new Set(running);
    for (const id of this.samples.keys()) if (!keep.has(id)) this.samples.delete(id);
    if (this.current || now - this.lastRound < this.intervalMs || running.length === 0) return;
    this.lastRound = now;
    this.current = this.round(running).finally(() => (this.current = null));
  }

  /** Resolves when the round in flight, if any, is done. */
  settled(): Promise<void> {
    return this.current ?? Promise.resolve();
  }

  private async round(ids: string[]): Promise<void> {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await this.sample(id);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
  }

  private async sample(containerId: string): Promise<void> {
    try {
      // one-shot: Docker answers at once instead of waiting for a second CPU sample.
      const stats = await this.docker.getContainer(containerId).stats({ stream: false, 'one-shot': true });
      const used = memoryUsedMb(stats);
      if (used === null) this.samples.delete(containerId);
      else this.samples.set(containerId, used);
    } catch (err) {
      // Gone between listing and sampling, or Docker is busy: the next round tries again.
      this.samples.delete(containerId);
      this.log.debug({ err, container: containerId.slice(0, 12) }, 'memory sample failed');
    }
  }
}
