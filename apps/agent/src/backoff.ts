/** Longest wait between failed heartbeats: well inside the scheduler's heartbeat timeout (5 s), which it restarts for every node when it was blind. */
const MAX_BACKOFF_MS = 2_000;

/** The wait before the next heartbeat: the interval, doubled per failure up to the cap, with ±20% jitter so nodes do not return in step. */
export function heartbeatDelayMs(intervalMs: number, failures: number): number {
  if (failures === 0) return intervalMs;
  const backoff = Math.min(Math.max(intervalMs, MAX_BACKOFF_MS), intervalMs * 2 ** failures);
  return Math.round(backoff * (0.8 + Math.random() * 0.4));
}
