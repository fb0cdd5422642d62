import type { Command } from 'commander';
import type { AppInfo, FormationEntry } from '../api-types.ts';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { parseScales } from '../parse.ts';
import { heading, print, printJson, table } from '../output.ts';

const formationTable = (rows: FormationEntry[]): string =>
  table(rows, [
    { header: 'Type', value: (f) => f.type },
    { header: 'Quantity', value: (f) => f.quantity },
    { header: 'Size', value: (f) => f.size },
  ]);

export function register(program: Command): void {
  program
    .command('ps')
    .description('show the formation of an app and its instances by state')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const info = await (await authedClient()).get<AppInfo>(api`/v1/apps/${app}`);
      if (opts.json) return printJson({ formation: info.formation, instances: info.instances });
      print(heading(`${app} Formation`));
      print(formationTable(info.formation));
      const states = Object.entries(info.instances);
      print();
      print(heading(`${app} Instances`));
      print(states.length ? states.map(([state, n]) => `${state}: ${n}`).join('\n') : 'none running');
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
}
