import type { Command } from 'commander';
import type { Addon } from '@slipway/api-types';
import { waitForAddon } from '../addon-wait.ts';
import { api } from '../client.ts';
import { authedClient, optionalApp, resolveApp } from '../context.ts';
import { SlipwayCliError } from '../errors.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatBytes, formatDate, heading, keyValues, print, printJson, table } from '../output.ts';

const planOf = (a: Addon): string => `${a.service}:${a.plan}`;

/** `1.2 MB of 25.0 MB`, and what happens over quota. */
function usageLine(usage: NonNullable<Addon['usage']>): string {
  const used = usage.bytes === null ? 'not measured yet' : formatBytes(usage.bytes);
  return `${used} of ${formatBytes(usage.quotaBytes)}${usage.overQuota ? ' (over quota: writes refused until it frees space)' : ''}`;
}
const attachedTo = (a: Addon): string => a.attachments.map((t) => `${t.app ?? '?'} as ${t.alias}`).join(', ');

interface CreateOpts extends AppOpts {
  as?: string;
  name?: string;
  wait: boolean;
}

/** The stderr line `addons:create` keeps up to date; on a terminal it is redrawn in place. */
function progressLine(prefix: string): (state: string) => void {
  if (!process.stderr.isTTY) {
    process.stderr.write(prefix);
    return () => {};
  }
  return (state) => process.stderr.write(`\r\x1b[K${prefix}${state}`);
}

export function register(program: Command): void {
  program
    .command('addons')
    .description("list the add-ons of an app (-a or the git remote's app), else of all your teams")
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await optionalApp(opts.app);
      const addons = await (await authedClient()).get<Addon[]>(app ? api`/v1/apps/${app}/addons` : '/v1/addons');
      if (opts.json) return printJson(addons);
      if (!addons.length) return print(app ? `${app} has no add-ons: add one with \`slipway addons:create postgres -a ${app}\`` : 'No add-ons yet');
      print(table(addons, [
        { header: 'Name', value: (a) => a.name },
        { header: 'Plan', value: planOf },
        { header: 'State', value: (a) => (a.state === 'failed' ? `failed: ${a.failure ?? ''}` : a.state) },
        { header: 'Attached to', value: attachedTo },
      ]));
    });

  program
    .command('addons:create <plan>')
    .description('provision an add-on (postgres, redis, or SERVICE:PLAN) and attach it: the app gets <ALIAS>_URL in a new release')
    .addOption(appOption())
    .option('--as <alias>', 'attachment name, e.g. ANALYTICS_DB (default: DATABASE for Postgres, REDIS for Redis)')
    .option('--name <name>', 'add-on name (default: generated)')
    .option('--no-wait', 'return at once instead of waiting until it is available')
    .action(async (plan: string, opts: CreateOpts) => {
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const created = await client.post<Addon>(api`/v1/apps/${app}/addons`, { plan, as: opts.as, name: opts.name });
      const prefix = `Creating ${planOf(created)} on ${app}... `;
      // The broker may already have finished (or failed) by the time the API answers.
      if (!opts.wait && created.state === 'provisioning') {
        process.stderr.write(`${prefix}${created.state}\n`);
        return print(`${created.name} is being provisioned: check it with \`slipway addons:info ${created.name}\``);
      }
      const show = progressLine(prefix);
      show(created.state);
      let addon: Addon;
      try {
        addon = await waitForAddon(client, created, (a, ms) => show(`${a.state} (${Math.round(ms / 1000)}s)`));
      } catch (e) {
        process.stderr.write('\n');
        throw e;
      }
      show('');
      if (addon.state !== 'available') {
        process.stderr.write(`${addon.state}\n`);
        throw new SlipwayCliError(`${addon.name} could not be provisioned: ${addon.failure ?? addon.state}`);
      }
      const vars = addon.attachments.find((a) => a.app === app)?.configVars ?? [];
      process.stderr.write('done\n');
      print(`Created ${addon.name}: ${vars.join(', ') || 'no vars'} set on ${app}; a new release rolls them out`);
    });

  program
    .command('addons:info <addon>')
    .description('show one add-on: plan, state, attachments')
    .addOption(jsonOption())
    .action(async (name: string, opts: JsonOpts) => {
      const addon = await (await authedClient()).get<Addon>(api`/v1/addons/${name}`);
      if (opts.json) return printJson(addon);
      print(heading(addon.name));
      print(keyValues([
        ['ID', addon.id],
        ['Plan', planOf(addon)],
        ['State', addon.state],
        ...(addon.failure ? [['Failure', addon.failure] as [string, string]] : []),
        ...(addon.usage ? [['Memory', usageLine(addon.usage)] as [string, string]] : []),
        ...(addon.connectionLimit !== null ? [['Connections', `at most ${addon.connectionLimit}`] as [string, string]] : []),
        ['Owner app', addon.ownerApp],
        ['Attached to', addon.attachments.map((t) => `${t.app ?? '?'} as ${t.alias} (${t.configVars.join(', ')})`).join('; ') || 'nothing'],
        ['Created', formatDate(addon.createdAt)],
      ]));
    });

  program
    .command('addons:attach <addon>')
    .description('attach an existing add-on of the same team to an app (sets <ALIAS>_URL in a new release)')
    .addOption(appOption())
    .option('--as <alias>', 'attachment name, e.g. ANALYTICS_DB')
    .action(async (name: string, opts: AppOpts & { as?: string }) => {
      const app = await resolveApp(opts.app);
      const res = await (await authedClient()).post<{ addon: string; alias: string; releaseVersion: number | null }>(
        api`/v1/apps/${app}/attachments`,
        { addon: name, as: opts.as },
      );
      const when = res.releaseVersion ? `release v${res.releaseVersion}` : 'its vars appear once it is available';
      print(`Attached ${res.addon} to ${app} as ${res.alias} (${when})`);
    });

  program
    .command('addons:detach <addon>')
    .description('detach an add-on from an app: its vars go away in a new release; the add-on and its data stay')
    .addOption(appOption())
    .action(async (name: string, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const res = await (await authedClient()).request<{ removedVars: string[]; releaseVersion: number | null }>('DELETE', api`/v1/apps/${app}/attachments/${name}`);
      if (!res.removedVars.length) return print(`${name} was not attached to ${app}`);
      print(`Detached ${name} from ${app}: removed ${res.removedVars.join(', ')}${res.releaseVersion ? ` (release v${res.releaseVersion})` : ''}`);
    });

  program
    .command('addons:destroy <addon>')
    .description('destroy an add-on: detach it from every app, then delete its data')
    .option('--confirm <addon>', 'the add-on name again, to confirm')
    .action(async (name: string, opts: { confirm?: string }) => {
      if (opts.confirm !== name) {
        throw new SlipwayCliError(`This deletes ${name} and all its data; to proceed, run again with --confirm ${name}`);
      }
      const addon = await (await authedClient()).request<Addon>('DELETE', api`/v1/addons/${name}`);
      print(`Destroying ${addon.name}: detached from every app; its data is being deleted`);
    });

  program
    .command('addons:credentials:rotate <addon>')
    .description('issue a new password; every attached app gets a release with the new URL')
    .action(async (name: string) => {
      const res = await (await authedClient()).post<{ rotated: string; releaseVersions: Array<number | null> }>(api`/v1/addons/${name}/credentials/rotate`);
      const releases = res.releaseVersions.filter((v): v is number => v !== null).map((v) => `v${v}`);
      print(`Rotated the credentials of ${res.rotated}${releases.length ? `: new releases ${releases.join(', ')}` : ''}`);
    });
}
