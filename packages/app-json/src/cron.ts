import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CronExpressionParser } from 'cron-parser';

/**
 * Dokku's app.json `cron` (https://dokku.com/docs/processes/scheduled-cron-tasks/): a list of
 * `{command, schedule}`, the schedule in crontab's five fields (minute hour day-of-month month
 * day-of-week) or one of the `@hourly`-style nicknames, always in UTC. cron-parser does the
 * parsing and the arithmetic; we only insist on five fields, as crontab and Dokku do (its
 * optional seconds field is not part of the format).
 */
const NICKNAMES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** cron-parser knows `@daily`; `@midnight` is crontab's other name for it. */
const canonical = (schedule: string): string => (schedule.trim() === '@midnight' ? '@daily' : schedule.trim());

/** The reason a schedule is not valid, or null when it is. */
export function scheduleProblem(schedule: string): string | null {
  const s = schedule.trim();
  if (s.startsWith('@')) return NICKNAMES.includes(s) ? null : `must be five cron fields or one of ${NICKNAMES.join(', ')}`;
  if (s.split(/\s+/).length !== 5) return 'must have five fields (minute hour day-of-month month day-of-week)';
  try {
    CronExpressionParser.parse(s, { tz: 'UTC', strict: false });
    return null;
  } catch (err) {
    return `is not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

export const cronJob = z.looseObject({
  command: z.string().trim().min(1, 'must not be empty').max(4000),
  schedule: z.string().superRefine((s, ctx) => {
    const problem = scheduleProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `must be a valid schedule: ${JSON.stringify(s)} ${problem}` });
  }),
});

export const cronJobs = z.array(cronJob).max(50);

export type CronJob = { command: string; schedule: string };

/** A job's stable identity across releases: the same schedule and command is the same job. */
export const cronJobId = (j: CronJob): string => createHash('sha256').update(`${j.schedule.trim()}\n${j.command}`).digest('hex').slice(0, 12);

/** The latest slot of `schedule` at or before `at` (UTC). */
export function previousSlot(schedule: string, at: Date): Date {
  // cron-parser's prev() is strictly before currentDate: a slot exactly at `at` counts as due.
  return CronExpressionParser.parse(canonical(schedule), { tz: 'UTC', currentDate: new Date(at.getTime() + 1) }).prev().toDate();
}

/** The first slot of `schedule` strictly after `at` (UTC). */
export function nextSlot(schedule: string, at: Date): Date {
  return CronExpressionParser.parse(canonical(schedule), { tz: 'UTC', currentDate: at }).next().toDate();
}
