import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SlipwayCliError } from './errors.ts';

const run = promisify(execFile);

export const DEFAULT_REMOTE = 'platform';

/** Runs git with an argument list (no shell); a missing git or a failing command becomes a one-line error. */
export async function git(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd });
    return stdout.trim();
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new SlipwayCliError('git is not installed or not on PATH');
    const detail = err.stderr?.trim().split('\n')[0] ?? err.message;
    throw new SlipwayCliError(`git ${args[0]} failed: ${detail}`);
  }
}

/** The app a remote URL such as `http://host:4000/shop.git` points at. */
export function appFromRemoteUrl(url: string): string | null {
  const m = /\/([a-z][a-z0-9-]*)\.git\/?$/.exec(url);
  return m?.[1] ?? null;
}

/** The remote URL, or null outside a repository or when the remote is missing. */
export async function remoteUrl(cwd: string, remote: string): Promise<string | null> {
  try {
    const { stdout } = await run('git', ['config', '--get', `remote.${remote}.url`], { cwd });
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

export async function assertRepository(cwd: string): Promise<void> {
  const inside = await run('git', ['rev-parse', '--git-dir'], { cwd }).then(() => true, () => false);
  if (!inside) throw new SlipwayCliError(`${cwd} is not inside a git repository: run \`git init\` first`);
}

export async function appFromRemote(cwd: string, remote: string): Promise<string | null> {
  const url = await remoteUrl(cwd, remote);
  return url ? appFromRemoteUrl(url) : null;
}

export const gitUrlFor = (apiUrl: string, app: string): string => `${apiUrl}/${app}.git`;

/**
 * Points `remote` at the app and makes this CLI git's credential helper for the
 * API's origin, so the token is handed over at push time and never written to
 * `.git/config`. An empty helper first clears helpers from other config files
 * (a global credential store would otherwise save the token in plain text).
 */
export async function configureRemote(opts: { cwd: string; remote: string; url: string; helper: string }): Promise<'added' | 'updated'> {
  await assertRepository(opts.cwd);
  const existing = await remoteUrl(opts.cwd, opts.remote);
  if (existing === null) await git(['remote', 'add', opts.remote, opts.url], opts.cwd);
  else await git(['remote', 'set-url', opts.remote, opts.url], opts.cwd);
  const key = `credential.${new URL(opts.url).origin}.helper`;
  await git(['config', '--replace-all', key, ''], opts.cwd);
  await git(['config', '--add', key, opts.helper], opts.cwd);
  return existing === null ? 'added' : 'updated';
}
