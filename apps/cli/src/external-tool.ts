import { spawn } from 'node:child_process';
import { SlipwayCliError } from './errors.ts';
import type { Invocation } from './tool-args.ts';

/** Runs an interactive client on this terminal and resolves with its exit code. */
export function runInteractive(tool: Invocation, installHint: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.command, tool.args, { stdio: 'inherit', env: { ...process.env, ...tool.env } });
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new SlipwayCliError(`${tool.command} not found: ${installHint}`) : new SlipwayCliError(`${tool.command} failed to start: ${e.message}`)),
    );
    // Ctrl-C belongs to the client (it cancels a query); the CLI waits for it to exit.
    const ignore = () => {};
    process.on('SIGINT', ignore);
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}
