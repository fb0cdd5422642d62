import type { Command } from 'commander';
import type { CronJobView } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatDate, heading, print, printJson, table } from '../output.ts';

/** What the last run did, in a word: `exit 0`, `running`, `skipped` (the previous run was still going). */
const outcome = (j: CronJobView): string => {
  const r = j.lastRun;
  if (!r) return 'never run';
  if (r.status === 'running' || r.status === 'skipped') return r.status;
  return r.exitCode === null ? 'failed' : `exit ${r.exitCode}`;
};

export function register(program: Command): void {
  program
    .command('cron')
    .description("list the app's cron jobs (app.json cron) with their last and next runs, in UTC")
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const jobs = await (await authedClient()).get<CronJobView[]>(api`/v1/apps/${app}/cron`);
      if (opts.json) return printJson(jobs);
      print(heading(`${app} Cron jobs (UTC)`));
      if (!jobs.length) return print('No cron jobs: add "cron" to app.json, e.g. [{ "command": "node task.js", "schedule": "*/5 * * * *" }]');
      print(table(jobs, [
        { header: 'Schedule', value: (j) => j.schedule },
        { header: 'Command', value: (j) => j.command },
        { header: 'Last run', value: (j) => formatDate(j.lastRun?.slot) },
        { header: 'Result', value: outcome },
        { header: 'Next run', value: (j) => formatDate(j.nextRun) },
      ]));
    });
}
