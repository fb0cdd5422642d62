import type { Command } from 'commander';
import type { AppInfo, Release, ReleaseDetail, ReleaseOutput } from '@slipway/api-types';
import { api, type ApiClient } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError, usageError } from '../errors.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { parseVersion } from '../parse.ts';
import { formatDate, heading, keyValues, print, printJson, table } from '../output.ts';

/** Heroku's default: the newest release before the current one that deployed. */
async function previousRelease(client: ApiClient, app: string): Promise<number> {
  const info = await client.get<AppInfo>(api`/v1/apps/${app}`);
  const current = info.currentRelease?.version;
  if (!current) throw new SlipwayCliError(`${app} has no release to roll back from`);
  const releases = await client.list<Release>(api`/v1/apps/${app}/releases`, {}, 1000);
  const target = releases.find((r) => r.version < current && r.status === 'succeeded');
  if (!target) throw new SlipwayCliError(`${app} has no release before v${current} to roll back to`);
  return target.version;
}

export function register(program: Command): void {
  program
    .command('releases')
    .description('list the releases of an app, newest first')
    .addOption(appOption())
    .option('-n, --num <n>', 'how many releases to show', '15')
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts & { num: string }) => {
      const num = Number(opts.num);
      if (!Number.isInteger(num) || num < 1) throw usageError(`--num must be a positive whole number, not "${opts.num}"`);
      const app = await resolveApp(opts.app);
      const releases = await (await authedClient()).list<Release>(api`/v1/apps/${app}/releases`, {}, num);
      if (opts.json) return printJson(releases);
      print(heading(`${app} Releases`));
      if (!releases.length) return print('No releases yet');
      print(table(releases, [
        { header: 'Version', value: (r) => `v${r.version}` },
        { header: 'Status', value: (r) => r.status },
        { header: 'Description', value: (r) => r.description },
        { header: 'Created', value: (r) => formatDate(r.createdAt) },
      ]));
    });

  program
    .command('releases:info <version>')
    .description('show one release (vN or N)')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (version: string, opts: AppOpts & JsonOpts) => {
      const n = parseVersion(version);
      const app = await resolveApp(opts.app);
      const release = await (await authedClient()).get<ReleaseDetail>(api`/v1/apps/${app}/releases/${n}`);
      if (opts.json) return printJson(release);
      print(heading(`Release v${release.version}`));
      print(keyValues([
        ['Description', release.description],
        ['Status', release.status],
        ...(release.failure ? [['Failure', release.failure] as [string, string]] : []),
        ...(release.postdeploy ? [['Postdeploy', `${release.postdeploy.command}: ${release.postdeploy.failure ?? release.postdeploy.status ?? 'not run yet'}`] as [string, string]] : []),
        ['Image', release.image ?? 'none (no build yet)'],
        ['Config vars', release.configKeys.join(', ') || 'none'],
        ['Created', formatDate(release.createdAt)],
      ]));
    });

  program
    .command('releases:output <version>')
    .description("print what a release's deployment tasks printed: app.json predeploy, the Procfile's release: command, app.json postdeploy")
    .addOption(appOption())
    .action(async (version: string, opts: AppOpts) => {
      const n = parseVersion(version);
      const app = await resolveApp(opts.app);
      const out = await (await authedClient()).get<ReleaseOutput>(api`/v1/apps/${app}/releases/${n}/output`);
      if (out.command === null && out.output === null) return print(`v${out.version} ran no release phase`);
      print((out.output ?? '').replace(/\n$/, '') || `v${out.version}'s release command printed nothing (yet)`);
    });

  program
    .command('rollback [version]')
    .description('roll back to an earlier release (default: the one before the current): a new release with its image and config')
    .addOption(appOption())
    .action(async (version: string | undefined, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const target = version ? parseVersion(version) : await previousRelease(client, app);
      const release = await client.post<Release>(api`/v1/apps/${app}/rollbacks`, { version: target });
      print(`Rolled back ${app} to v${target} (new release v${release.version})`);
    });
}
