import { Command, CommanderError } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { topics } from './commands/index.ts';
import { SlipwayCliError } from './errors.ts';

export function buildProgram(): Command {
  const program = new Command('slipway')
    .description('Slipway: deploy apps with git push to your own servers')
    .version(pkg.version, '-v, --version')
    // Program options only before the command: `login --password -v…` is a password, not --version.
    .enablePositionalOptions()
    // Settings set before .command() are inherited by every command.
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });
  for (const topic of topics) topic.register(program);
  return program;
}

/** Exit code for any failure: commander usage errors 2 (help and --version 0), ours as they say, anything else 1. */
function report(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
  if (err instanceof SlipwayCliError) {
    process.stderr.write(`Error: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message.split('\n')[0]}\n`);
  if (process.env.SLIPWAY_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 1;
}

// `slipway logs | head` closes stdout early: stop quietly rather than crash on EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(process.exitCode ?? 0);
});

try {
  const program = buildProgram();
  // Bare `slipway` shows the help, successfully, as Heroku's CLI does.
  if (process.argv.length <= 2) program.outputHelp();
  else await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = report(err);
}
