import type { Command } from 'commander';
import type { AppInfo, FormationEntry, Instance } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { parseScales } from '../parse.ts';
import { heading, print, printJson, table } from '../output.ts';
import { instanceGroups } from '../ps-view.ts';

const formationTable = (rows: FormationEntry[]): string =>
  table(rows, [
    { header: 'Type', value: (f) => f.type },
    { header: 'Quantity', value: (f) => f.quantity },
    { header: 'Size', value: (f) => f.size },
  ]);

export function register(program: Command): void {
  program
    .command('ps')
    .description('show the formation of an app and its instances (dynos) by process type')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const [info, instances] = await Promise.all([
        client.get<AppInfo>(api`/v1/apps/${app}`),
        client.get<Instance[]>(api`/v1/apps/${app}/instances`),
      ]);
      if (opts.json) return printJson({ formation: info.formation, instances });
      print(heading(`${app} Formation`));
      print(formationTable(info.formation));
      print();
      if (!instances.length) return print(`${heading(`${app} Instances`)}\nnone running`);
      print(instanceGroups(instances, info.formation));
    });

  program
    .command('ps:scale <changes...>')
    .description('scale or resize process types: web=2 worker=1 web=2:basic (sizes: basic, standard, performance)')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (changes: string[], opts: AppOpts & JsonOpts) => {
      const updates = parseScales(changes);
      const app = await resolveApp(opts.app);
      const formation = await (await authedClient()).patch<FormationEntry[]>(api`/v1/apps/${app}/formation`, { updates });
      if (opts.json) return printJson(formation);
      print(`Scaled ${app}: ${formation.map((f) => `${f.type}=${f.quantity}:${f.size}`).join(' ')}`);
    });

  program
    .command('ps:restart [type]')
    .description('restart every instance of an app, or those of one process type (rolling: fresh ones replace the old)')
    .addOption(appOption())
    .action(async (type: string | undefined, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const { restarted } = await (await authedClient()).post<{ restarted: number }>(api`/v1/apps/${app}/instances/restart`, type ? { type } : {});
      const what = `${restarted} ${type ? `${type} ` : ''}instance${restarted === 1 ? '' : 's'}`;
      print(`Restarting ${what} of ${app}: fresh ones replace them`);
    });

  program
    .command('ps:stop <name>')
    .description('stop one instance, e.g. web.2 (the formation starts a fresh one in its place)')
    .addOption(appOption())
    .action(async (name: string, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      await (await authedClient()).post(api`/v1/apps/${app}/instances/${name}/stop`);
      print(`Stopping ${name} of ${app}`);
    });
}
