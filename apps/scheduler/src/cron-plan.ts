import { previousSlot } from '@slipway/app-json';

/**
 * When a cron job's run is due, as pure arithmetic on its schedule (UTC). Only the latest slot
 * counts: after an outage a job runs once, not once per missed slot, and a slot missed by more
 * than CRON_MAX_LATENESS_MS is dropped (cron itself runs nothing it missed at all).
 */
export const CRON_MAX_LATENESS_MS = 60 * 60 * 1000;

export interface CronJobHistory {
  /** The newest slot recorded for the job (run or skipped), null before its first. */
  lastSlot: Date | null;
  /** Whether a run of the job is still going. */
  running: boolean;
}

export type CronDecision = { slot: Date; action: 'run' | 'skip' } | null;

/**
 * What to do about a job now: nothing (no slot due since `since` and the last recorded slot), run
 * the due slot, or record it as skipped because the previous run is still going. `since` is when
 * the serving release came out, so a new job never runs for a slot before it existed.
 */
export function decideCron(schedule: string, history: CronJobHistory, since: Date, now: Date): CronDecision {
  const slot = previousSlot(schedule, now);
  const after = history.lastSlot && history.lastSlot > since ? history.lastSlot : since;
  if (slot <= after || now.getTime() - slot.getTime() > CRON_MAX_LATENESS_MS) return null;
  return { slot, action: history.running ? 'skip' : 'run' };
}
