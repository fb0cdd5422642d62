import type { Redis } from 'ioredis';
import { z } from 'zod';

/*
 * An app's memory use over time, for the Metrics tab. `slipway:memory:<appId>:series` is a
 * capped list, newest first, of JSON `MemoryPoint`s: what one node's instances of the app used
 * together at one moment, taken from heartbeats at most once per step per node (and API
 * process). Keyed by app id, so a rename keeps the history.
 */
export const memorySeriesKey = (appId: string): string => `slipway:memory:${appId}:series`;
export const MEMORY_STEP_MS = 10_000;
const WINDOW_MS = 3_600_000;
/** An hour of steps from 50 nodes. */
const MAX_POINTS = 18_000;

export const memoryPointSchema = z.object({ at: z.number(), node: z.string(), usedMb: z.number().min(0) });
export type MemoryPoint = z.infer<typeof memoryPointSchema>;

/** Appends each app's total on one node to its series, unless this process already did in this step. */
export class MemorySeriesWriter {
  private readonly lastStep = new Map<string, number>();

  constructor(private readonly redis: Redis) {}

  async record(nodeId: string, usedByApp: Map<string, number>, now = Date.now()): Promise<void> {
    const step = Math.floor(now / MEMORY_STEP_MS);
    for (const [k, s] of this.lastStep) if (s < step - 1) this.lastStep.delete(k);
    const tx = this.redis.multi();
    let due = 0;
    for (const [appId, usedMb] of usedByApp) {
      if (this.lastStep.get(`${appId}:${nodeId}`) === step) continue;
      this.lastStep.set(`${appId}:${nodeId}`, step);
      const key = memorySeriesKey(appId);
      tx.lpush(key, JSON.stringify({ at: now, node: nodeId, usedMb } satisfies MemoryPoint)).ltrim(key, 0, MAX_POINTS - 1).expire(key, WINDOW_MS / 1000);
      due++;
    }
    if (due) await tx.exec();
  }
}

/**
 * The app's total per finished step over the last hour: each node's last point in the step,
 * summed over nodes. The step under way is left out: not every node has reported in it yet.
 */
export function mergeMemory(points: MemoryPoint[], now: number, stepMs = MEMORY_STEP_MS): { at: number; usedMb: number }[] {
  const steps = new Map<number, Map<string, MemoryPoint>>();
  const current = Math.floor(now / stepMs) * stepMs;
  for (const p of points) {
    const slot = Math.floor(p.at / stepMs) * stepMs;
    if (now - p.at > WINDOW_MS || slot >= current) continue;
    const nodes = steps.get(slot) ?? new Map<string, MemoryPoint>();
    const seen = nodes.get(p.node);
    if (!seen || seen.at <= p.at) nodes.set(p.node, p);
    steps.set(slot, nodes);
  }
  return [...steps.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, nodes]) => ({ at, usedMb: [...nodes.values()].reduce((sum, p) => sum + p.usedMb, 0) }));
}
