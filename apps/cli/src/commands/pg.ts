import type { Command } from 'commander';
import type { AddonCredentials, Backup } from '@slipway/api-types';
import { resolveAddon } from '../addon-resolve.ts';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError } from '../errors.ts';
import { runInteractive } from '../external-tool.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatBytes, formatDate, heading, print, printJson, table } from '../output.ts';
import { psqlInvocation } from '../tool-args.ts';

const ADDON_ARG = 'name or alias on the app; default: DATABASE';

/** The Postgres add-on a pg:* command means: see resolveAddon. */
async function postgresAddon(arg: string | undefined, opts: AppOpts) {
  const client = await authedClient();
  const { addon } = await resolveAddon(client, arg, () => resolveApp(opts.app), 'postgres');
  return { client, addon };
}

export function register(program: Command): void {
  program
    .command('pg:psql [addon]')
    .description(`open psql on a Postgres add-on (${ADDON_ARG}); needs the postgresql-client package`)
    .addOption(appOption())
    .action(async (arg: string | undefined, opts: AppOpts) => {
      const { client, addon } = await postgresAddon(arg, opts);
      const { url } = await client.get<AddonCredentials>(api`/v1/addons/${addon.id}/credentials`);
      process.stderr.write(`Connecting to ${addon.name}...\n`);
      process.exitCode = await runInteractive(psqlInvocation(url), 'install the postgresql-client package');
    });

  program
    .command('pg:backups [addon]')
    .description(`list the backups of a Postgres add-on (${ADDON_ARG})`)
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (arg: string | undefined, opts: AppOpts & JsonOpts) => {
      const { client, addon } = await postgresAddon(arg, opts);
      const backups = await client.get<Backup[]>(api`/v1/addons/${addon.id}/backups`);
      if (opts.json) return printJson(backups);
      print(heading(`${addon.name} Backups`));
      if (!backups.length) return print('No backups yet: capture one with `slipway pg:backups:capture`');
      print(table(backups, [
        { header: 'ID', value: (b) => b.id },
        { header: 'Size', value: (b) => formatBytes(b.sizeBytes) },
        { header: 'Created', value: (b) => formatDate(b.createdAt) },
      ]));
    });

  program
    .command('pg:backups:capture [addon]')
    .description(`capture a backup of a Postgres add-on now (${ADDON_ARG})`)
    .addOption(appOption())
    .action(async (arg: string | undefined, opts: AppOpts) => {
      const { client, addon } = await postgresAddon(arg, opts);
      process.stderr.write(`Capturing a backup of ${addon.name}...\n`);
      const backup = await client.post<Backup>(api`/v1/addons/${addon.id}/backups`);
      print(`Captured backup ${backup.id} of ${addon.name} (${formatBytes(backup.sizeBytes)})`);
    });

  program
    .command('pg:backups:restore <backup> [addon]')
    .description(`restore a backup over the current data of a Postgres add-on (${ADDON_ARG})`)
    .addOption(appOption())
    .option('--confirm <app>', 'the app name again, to confirm')
    .action(async (backup: string, arg: string | undefined, opts: AppOpts & { confirm?: string }) => {
      const app = await resolveApp(opts.app);
      if (opts.confirm !== app) {
        throw new SlipwayCliError(`This replaces the current data of ${app}'s database with backup ${backup}; to proceed, run again with --confirm ${app}`);
      }
      const { client, addon } = await postgresAddon(arg, { app });
      process.stderr.write(`Restoring backup ${backup} to ${addon.name}...\n`);
      await client.post(api`/v1/addons/${addon.id}/backups/${backup}/restore`);
      print(`Restored backup ${backup} to ${addon.name}`);
    });
}
