import type { Command } from 'commander';
import type { Build, BuildDetail, BuildOutcome } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError, usageError } from '../errors.ts';
import { appOption, jsonOption, type AppOpts, type JsonOpts } from '../options.ts';
import { formatDate, heading, keyValues, print, printJson, table } from '../output.ts';
import { serverEvents } from '../streams.ts';

/** The API takes `latest` for the newest build, so no ID means that. */
const LATEST = 'latest';
const INFO_LOG_LINES = 20;

const short = (sha: string): string => sha.slice(0, 7);
const release = (b: Build): string => (b.releaseVersion ? `v${b.releaseVersion}` : '');

function outcomeError(outcome: BuildOutcome): SlipwayCliError | null {
  if (outcome.status === 'succeeded') return null;
  if (outcome.status === 'cancelled') return new SlipwayCliError('The build was cancelled');
  return new SlipwayCliError(`The build failed: ${outcome.failure ?? 'no reason given'}`);
}

export function register(program: Command): void {
  program
    .command('builds')
    .description('list the builds of an app, newest first')
    .addOption(appOption())
    .option('-n, --num <n>', 'how many builds to show', '15')
    .addOption(jsonOption())
    .action(async (opts: AppOpts & JsonOpts & { num: string }) => {
      const num = Number(opts.num);
      if (!Number.isInteger(num) || num < 1) throw usageError(`--num must be a positive whole number, not "${opts.num}"`);
      const app = await resolveApp(opts.app);
      const builds = await (await authedClient()).list<Build>(api`/v1/apps/${app}/builds`, {}, num);
      if (opts.json) return printJson(builds);
      print(heading(`${app} Builds`));
      if (!builds.length) return print('No builds yet: git push to deploy');
      print(table(builds, [
        { header: 'ID', value: (b) => b.id },
        { header: 'Status', value: (b) => b.status },
        { header: 'Commit', value: (b) => `${short(b.commitSha)} (${b.branch})` },
        { header: 'Release', value: release },
        { header: 'Created', value: (b) => formatDate(b.createdAt) },
      ]));
    });

  program
    .command('builds:info [id]')
    .description('show one build (default: the latest) with the end of its output')
    .addOption(appOption())
    .addOption(jsonOption())
    .action(async (id: string | undefined, opts: AppOpts & JsonOpts) => {
      const app = await resolveApp(opts.app);
      const build = await (await authedClient()).get<BuildDetail>(api`/v1/apps/${app}/builds/${id ?? LATEST}`);
      if (opts.json) return printJson(build);
      print(heading(`Build ${build.id}`));
      print(keyValues([
        ['Status', build.status],
        ...(build.failure ? [['Failure', build.failure] as [string, string]] : []),
        ['Commit', `${build.commitSha} (${build.branch})`],
        ['Buildpack', build.buildpack],
        ['Image', build.image],
        ['Release', release(build)],
        ['Created', formatDate(build.createdAt)],
        ['Started', formatDate(build.startedAt)],
        ['Finished', formatDate(build.finishedAt)],
      ]));
      const lines = build.log.split('\n').filter(Boolean);
      if (!lines.length) return;
      print();
      print(heading(lines.length > INFO_LOG_LINES ? `Last ${INFO_LOG_LINES} lines of output (all: slipway builds:output ${build.id} -a ${app})` : 'Output'));
      print(lines.slice(-INFO_LOG_LINES).join('\n'));
    });

  program
    .command('builds:output [id]')
    .description("print a build's output (default: the latest build), live while it runs; exits non-zero when the build failed")
    .addOption(appOption())
    .option('--verbose', "also Docker's step lines (kept for a day after the build)")
    .action(async (id: string | undefined, opts: AppOpts & { verbose?: boolean }) => {
      const app = await resolveApp(opts.app);
      const path = api`/v1/apps/${app}/builds/${id ?? LATEST}/output`;
      const body = await (await authedClient()).stream('GET', opts.verbose ? `${path}?verbose=true` : path, { accept: 'text/event-stream' });
      for await (const { event, data } of serverEvents(body)) {
        if (event !== 'end') {
          print((data as { line: string }).line);
          continue;
        }
        const outcome = data as BuildOutcome;
        const failure = outcomeError(outcome);
        if (failure) throw failure;
        process.stderr.write(`Build succeeded${outcome.releaseVersion ? `: release v${outcome.releaseVersion}` : ''}\n`);
        return;
      }
      throw new SlipwayCliError('The build output ended before the build finished; run the command again to follow it');
    });

  program
    .command('builds:cancel [id]')
    .description('cancel a pending or running build (default: the latest)')
    .addOption(appOption())
    .action(async (id: string | undefined, opts: AppOpts) => {
      const app = await resolveApp(opts.app);
      const res = await (await authedClient()).post<{ id: string }>(api`/v1/apps/${app}/builds/${id ?? LATEST}/cancel`);
      print(`Cancelling build ${res.id} of ${app}`);
    });
}
