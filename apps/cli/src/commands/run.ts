import { Option, type Command } from 'commander';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { SlipwayCliError } from '../errors.ts';
import { appOption, type AppOpts } from '../options.ts';
import { commandLine } from '../parse.ts';
import { ndjsonRecords } from '../streams.ts';

/** The records of POST /v1/apps/:app/runs, in order: the dyno, its output lines, its exit. */
type RunRecord = { dyno: string } | { line: string; stream: 'stdout' | 'stderr' } | { exitCode: number };

export function register(program: Command): void {
  program
    .command('run')
    .description("run a one-off command in a fresh container with the app's current release and config; the CLI exits with its exit code")
    .argument('<command...>', 'the command; put it after -- when it has flags: slipway run -a APP -- ls -la')
    .addOption(appOption())
    .addOption(new Option('--size <size>', 'container size').choices(['basic', 'standard', 'performance']).default('standard'))
    .action(async (words: string[], opts: AppOpts & { size: string }) => {
      const command = commandLine(words);
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      process.stderr.write(`Running \`${command}\` on ${app}... `);
      let dyno: string | undefined;
      try {
        const body = await client.stream('POST', api`/v1/apps/${app}/runs`, { accept: 'application/x-ndjson', body: { command, size: opts.size } });
        for await (const record of ndjsonRecords(body)) {
          const r = record as RunRecord;
          if ('dyno' in r) {
            dyno = r.dyno;
            process.stderr.write(`up, ${dyno}\n`);
          } else if ('line' in r) {
            (r.stream === 'stderr' ? process.stderr : process.stdout).write(`${r.line}\n`);
          } else if ('exitCode' in r) {
            process.exitCode = r.exitCode;
            return;
          }
        }
      } catch (e) {
        if (!dyno) process.stderr.write('failed\n');
        throw e;
      }
      throw new SlipwayCliError(`Lost the connection to ${dyno ?? 'the one-off process'} before it exited`);
    });
}
