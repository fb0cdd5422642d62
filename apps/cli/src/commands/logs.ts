import type { Command } from 'commander';
import type { LogLine } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { usageError } from '../errors.ts';
import { formatLogLine } from '../log-line.ts';
import { appOption, type AppOpts, type JsonOpts } from '../options.ts';
import { print } from '../output.ts';
import { serverEvents } from '../streams.ts';

const MAX_LINES = 1500;

interface LogsOpts extends AppOpts, JsonOpts {
  tail?: boolean;
  num: string;
  type?: string;
  dyno?: string;
}

export function register(program: Command): void {
  program
    .command('logs')
    .description('show the recent log lines of an app; with --tail, keep streaming new ones until interrupted')
    .addOption(appOption())
    .option('-t, --tail', 'keep streaming new lines')
    .option('-n, --num <n>', `how many recent lines to show (at most ${MAX_LINES})`, '100')
    .option('--type <type>', 'only lines of this process type, e.g. web')
    .option('-d, --dyno <name>', 'only lines of this instance, e.g. web.1')
    .option('--json', 'print each record as one line of JSON')
    .action(async (opts: LogsOpts) => {
      const num = Number(opts.num);
      if (!Number.isInteger(num) || num < 0 || num > MAX_LINES) throw usageError(`--num must be a whole number from 0 to ${MAX_LINES}, not "${opts.num}"`);
      const app = await resolveApp(opts.app);
      const body = await (await authedClient()).stream('GET', api`/v1/apps/${app}/logs`, {
        accept: 'text/event-stream',
        query: { lines: String(num), tail: opts.tail ? 'true' : undefined, type: opts.type, dyno: opts.dyno },
      });
      for await (const { data } of serverEvents(body)) {
        print(opts.json ? JSON.stringify(data) : formatLogLine(data as LogLine));
      }
    });
}
