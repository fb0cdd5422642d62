import type { Command } from 'commander';
import type { AuditEvent } from '@slipway/api-types';
import { authedClient } from '../context.ts';
import { usageError } from '../errors.ts';
import { jsonOption, type JsonOpts } from '../options.ts';
import { formatDate, print, printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('audit')
    // Unlike other commands, no app from the git remote: without -a this shows every team's events.
    .description('show audit events of your teams, or of one app with -a, newest first')
    .option('-a, --app <app>', 'only the events of this app')
    .option('-n, --num <n>', 'how many events to show', '50')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts & { app?: string; num: string }) => {
      const num = Number(opts.num);
      if (!Number.isInteger(num) || num < 1) throw usageError(`--num must be a positive whole number, not "${opts.num}"`);
      const events = await (await authedClient()).list<AuditEvent>('/v1/events', { app: opts.app }, num);
      if (opts.json) return printJson(events);
      print(table(events, [
        { header: 'When', value: (e) => formatDate(e.createdAt) },
        { header: 'Actor', value: (e) => e.actor },
        { header: 'Action', value: (e) => e.action },
        { header: 'Target', value: (e) => e.target },
      ]));
    });
}
