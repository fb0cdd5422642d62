import { createInterface } from 'node:readline/promises';
import { SlipwayCliError, usageError } from './errors.ts';

/** Prompts go to stderr so stdout stays clean for scripts. */
function requireTty(what: string): void {
  if (!process.stdin.isTTY) throw usageError(`No ${what} given and no terminal to ask on: pass --${what}`);
}

export async function ask(question: string, what: string): Promise<string> {
  requireTty(what);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Reads a line without echoing it. */
export async function askSecret(question: string, what: string): Promise<string> {
  requireTty(what);
  const { stdin, stderr } = process;
  stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          return resolve(value);
        }
        if (ch === '\u0003') {
          finish();
          return reject(new SlipwayCliError('Interrupted'));
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}
