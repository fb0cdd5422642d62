import { usageError } from './errors.ts';
import { shellQuote } from './output.ts';

/** Pure parsing of command arguments; every failure is a usage error (exit 2) naming the bad word. */

/** `KEY=value`, split at the first `=`, so values may hold `=` (URLs, base64). */
export function parseConfigPair(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw usageError(`"${arg}" is not KEY=value`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

export function parseConfigPairs(args: string[]): Record<string, string> {
  const changes: Record<string, string> = {};
  for (const [key, value] of args.map(parseConfigPair)) changes[key] = value;
  return changes;
}

export interface ScaleUpdate {
  type: string;
  quantity?: number;
  size?: string;
}

/** `web=2`, `web=2:basic` or `web=:standard` (resize only). */
export function parseScale(arg: string): ScaleUpdate {
  const m = /^([^=:\s]+)=(\d*)(?::([a-z][a-z0-9-]*))?$/.exec(arg);
  if (!m || (!m[2] && !m[3])) throw usageError(`"${arg}" is not TYPE=QUANTITY[:SIZE] (e.g. web=2 or web=2:basic)`);
  const update: ScaleUpdate = { type: m[1]! };
  if (m[2]) update.quantity = Number(m[2]);
  if (m[3]) update.size = m[3];
  return update;
}

export function parseScales(args: string[]): ScaleUpdate[] {
  const updates = args.map(parseScale);
  const types = updates.map((u) => u.type);
  const twice = types.find((t, i) => types.indexOf(t) !== i);
  if (twice) throw usageError(`Process type ${twice} is given twice`);
  return updates;
}

/** `v12` or `12`. */
export function parseVersion(arg: string): number {
  const m = /^v?(\d+)$/.exec(arg);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`"${arg}" is not a release version such as v3`);
  return n;
}

/**
 * The shell command line a one-off container runs (`sh -c`): one argument is
 * taken as a command line as is (`run -- "npm run migrate && npm start"`);
 * several are words, each quoted when the shell would otherwise split or expand it.
 */
export function commandLine(args: string[]): string {
  if (!args.length || !args.join('').trim()) throw usageError('No command given: slipway run -a APP -- COMMAND [ARGS...]');
  if (args.length === 1) return args[0]!;
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : shellQuote(a))).join(' ');
}
