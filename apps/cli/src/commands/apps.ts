import type { Command } from 'commander';
import type { AppInfo, AppListItem, AppSummary } from '@slipway/api-types';
import { randomAppName } from '../app-names.ts';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError, usageError } from '../errors.ts';
import { DEFAULT_REMOTE, git, gitUrlFor, remoteUrl } from '../git-remote.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatDate, heading, keyValues, print, printJson, table } from '../output.ts';

export function appInfoText(app: AppInfo): string {
  const release = app.currentRelease;
  return [
    heading(app.name),
    keyValues([
      ['Team', app.team],
      ['Web URL', app.webUrl],
      ['Git URL', app.gitUrl],
      ['Release', release ? `v${release.version} ${release.description} (${formatDate(release.createdAt)})` : 'none yet'],
      ['Formation', app.formation.map((f) => `${f.type}=${f.quantity}:${f.size}`).join(' ') || 'none until the first push'],
      ['Domains', app.domains.join(', ') || 'none'],
      ['Created', formatDate(app.createdAt)],
      ['Your access', app.access.secretsHidden ? `${app.access.role}; config values hidden: ${app.access.secretsHidden}` : app.access.role],
    ]),
  ].join('\n');
}

/** After a rename, a `platform` remote still pointing at the old name follows it, as Heroku does. */
async function followRename(from: string, to: string): Promise<void> {
  const url = await remoteUrl(process.cwd(), DEFAULT_REMOTE);
  if (!url?.endsWith(`/${from}.git`)) return;
  await git(['remote', 'set-url', DEFAULT_REMOTE, gitUrlFor(url.slice(0, -`/${from}.git`.length), to)], process.cwd());
  print(`Git remote ${DEFAULT_REMOTE} updated`);
}

export function register(program: Command): void {
  program
    .command('apps')
    .description('list the apps of your teams')
    .option('-t, --team <team>', 'only the apps of this team')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts & { team?: string }) => {
      const apps = (await (await authedClient()).list<AppListItem>('/v1/apps')).filter((a) => !opts.team || a.team === opts.team);
      if (opts.json) return printJson(apps);
      if (!apps.length) return print('You have no apps yet: create one with `slipway apps:create NAME`');
      print(table(apps, [
        { header: 'Name', value: (a) => a.name },
        { header: 'Team', value: (a) => a.team },
        { header: 'Web URL', value: (a) => a.webUrl },
      ]));
    });

  program
    .command('apps:create [name]')
    .description('create an app (a random name when none is given)')
    .option('-t, --team <team>', 'team that owns the app (default: your first team)')
    .addOption(jsonOption())
    .action(async (name: string | undefined, opts: JsonOpts & { team?: string }) => {
      const app = await (await authedClient()).post<AppSummary>('/v1/apps', { name: name ?? randomAppName(), team: opts.team });
      if (opts.json) return printJson(app);
      print(`Created ${app.name} | ${app.webUrl} | ${app.gitUrl}`);
      print(`Push to it: slipway git:remote -a ${app.name} && git push ${DEFAULT_REMOTE} main`);
    });

  program
    .command('apps:info')
    .description('show URLs, current release, formation and domains of an app')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const info = await (await authedClient()).get<AppInfo>(api`/v1/apps/${app}`);
      if (opts.json) return printJson(info);
      print(appInfoText(info));
    });

  program
    .command('apps:rename <newname>')
    .description('rename an app (its default URL and git URL change with it)')
    .addOption(appOption())
    .action(async (newName: string, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const renamed = await (await authedClient()).patch<AppSummary>(api`/v1/apps/${app}`, { name: newName });
      print(`Renamed ${app} to ${renamed.name} | ${renamed.webUrl} | ${renamed.gitUrl}`);
      await followRename(app, renamed.name);
    });

  program
    .command('apps:destroy [app]')
    .description('permanently destroy an app and everything it owns (Heroku style: apps:destroy APP --confirm APP)')
    .addOption(appOption())
    .option('--confirm <app>', 'the app name again, to confirm')
    .action(async (positional: string | undefined, opts: AppOpts & { confirm?: string }) => {
      if (positional && opts.app && positional !== opts.app) throw usageError(`Two different apps given: ${positional} and -a ${opts.app}`);
      const app = await resolveApp(positional ?? opts.app);
      if (opts.confirm !== app) {
        throw new SlipwayCliError(`This destroys ${app} and all its data, releases and domains; to proceed, run again with --confirm ${app}`);
      }
      await (await authedClient()).delete(api`/v1/apps/${app}`);
      print(`Destroyed ${app}`);
    });
}
