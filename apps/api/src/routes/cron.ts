import type { CronJobView } from '@slipway/api-types';
import { cronJobId, nextSlot } from '@slipway/app-json';
import { storedCron } from '@slipway/scheduler/cron';
import { route } from '../http/route.ts';
import { appFor } from '../auth/access.ts';

export const cronRoutes = [
  route({
    method: 'get',
    path: '/v1/apps/:app/cron',
    tag: 'releases',
    summary: "The serving release's app.json cron jobs, with each one's last run and next run (UTC)",
    handler: async ({ deps, principal, params }): Promise<CronJobView[]> => {
      const app = await appFor(deps, principal, params.app!, 'read');
      const serving = await deps.db.release.findFirst({ where: { appId: app.id, status: 'succeeded' }, orderBy: { version: 'desc' }, select: { cron: true } });
      const now = new Date();
      const views: CronJobView[] = [];
      for (const job of storedCron.parse(serving?.cron ?? [])) {
        const id = cronJobId(job);
        const last = await deps.db.cronRun.findFirst({ where: { appId: app.id, job: id }, orderBy: { slot: 'desc' } });
        views.push({
          id,
          command: job.command,
          schedule: job.schedule,
          lastRun: last && { slot: last.slot.toISOString(), status: last.status, exitCode: last.exitCode, startedAt: last.startedAt.toISOString(), finishedAt: last.finishedAt?.toISOString() ?? null },
          nextRun: nextSlot(job.schedule, now).toISOString(),
        });
      }
      return views;
    },
  }),
];
