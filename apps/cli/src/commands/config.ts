import type { Command } from 'commander';
import type { AppInfo, ConfigVarsUpdate, ConfigVarsView, Release } from '@slipway/api-types';
import type { ApiClient } from '../client.ts';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError } from '../errors.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { parseConfigPairs } from '../parse.ts';
import { print, printJson, shellQuote } from '../output.ts';

const releaseNote = (r: Release | null): string => (r ? `release v${r.version}` : 'no change, no new release');

/** Why the API hid the values (a viewer, or a `read` token): the app's info says. */
const hiddenReason = async (client: ApiClient, app: string): Promise<string> =>
  (await client.get<AppInfo>(api`/v1/apps/${app}`)).access.secretsHidden ?? 'you may see names only';

export function register(program: Command): void {
  program
    .command('config')
    .description('show the config vars of an app as KEY=value lines (names only, marked hidden, for viewers and read tokens)')
    .addOption(appOption())
    .option('-s, --shell', 'quote values for a POSIX shell (KEY=\'value\'); hidden ones become comments')
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts & { shell?: boolean }) => {
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const vars = await client.get<ConfigVarsView>(api`/v1/apps/${app}/config-vars`);
      if (opts.json) return printJson(vars);
      const reason = Object.values(vars).includes(null) ? await hiddenReason(client, app) : '';
      const lines = Object.entries(vars).map(([k, v]) =>
        v === null ? (opts.shell ? `# ${k} (hidden: ${reason})` : `${k}  (hidden: ${reason})`) : opts.shell ? `${k}=${shellQuote(v)}` : `${k}=${v}`);
      if (lines.length) print(lines.join('\n'));
    });

  program
    .command('config:get <key>')
    .description('print the value of one config var')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (key: string, opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const vars = await client.get<ConfigVarsView>(api`/v1/apps/${app}/config-vars`);
      const value = vars[key];
      if (value === undefined) throw new SlipwayCliError(`${key} is not set on ${app}`);
      if (value === null) throw new SlipwayCliError(`${key} is set on ${app}, but its value is hidden: ${await hiddenReason(client, app)}`, 1, 'forbidden');
      if (opts.json) return printJson({ [key]: value });
      print(value);
    });

  program
    .command('config:set <pairs...>')
    .description('set config vars (KEY=value ...); a change makes a new release')
    .addOption(appOption())
    .action(async (pairs: string[], opts: AppOpts) => {
      const changes = parseConfigPairs(pairs);
      const app = await resolveApp(opts.app);
      const res = await (await authedClient()).patch<ConfigVarsUpdate>(api`/v1/apps/${app}/config-vars`, changes);
      print(`Set ${Object.keys(changes).join(', ')} on ${app} (${releaseNote(res.release)})`);
    });

  program
    .command('config:unset <keys...>')
    .description('remove config vars; a change makes a new release')
    .addOption(appOption())
    .action(async (keys: string[], opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const changes = Object.fromEntries(keys.map((k) => [k, null]));
      const res = await (await authedClient()).patch<ConfigVarsUpdate>(api`/v1/apps/${app}/config-vars`, changes);
      print(`Unset ${keys.join(', ')} on ${app} (${releaseNote(res.release)})`);
    });
}
