import type { Command } from 'commander';
import type { Domain } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatDate, heading, print, printJson, table } from '../output.ts';

export function register(program: Command): void {
  program
    .command('domains')
    .description('list the custom domains of an app')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const domains = await (await authedClient()).get<Domain[]>(api`/v1/apps/${app}/domains`);
      if (opts.json) return printJson(domains);
      print(heading(`${app} Custom Domains`));
      if (!domains.length) return print('none');
      print(table(domains, [
        { header: 'Hostname', value: (d) => d.hostname },
        { header: 'Added', value: (d) => formatDate(d.createdAt) },
      ]));
    });

  program
    .command('domains:add <hostname>')
    .description('route a custom hostname to an app')
    .addOption(appOption())
    .action(async (host: string, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const domain = await (await authedClient()).post<Domain>(api`/v1/apps/${app}/domains`, { hostname: host });
      print(`Added ${domain.hostname} to ${app}`);
    });

  program
    .command('domains:remove <hostname>')
    .description('stop routing a custom hostname to an app')
    .addOption(appOption())
    .action(async (host: string, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      await (await authedClient()).delete(api`/v1/apps/${app}/domains/${host}`);
      print(`Removed ${host} from ${app}`);
    });
}
