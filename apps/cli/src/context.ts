import { ApiClient } from './client.ts';
import { readCredentials, type Credentials } from './credentials.ts';
import { SlipwayCliError, usageError } from './errors.ts';
import { appFromRemote, DEFAULT_REMOTE } from './git-remote.ts';

export const DEFAULT_API_URL = 'http://127.0.0.1:4000';

export const normalizeUrl = (url: string): string => url.replace(/\/+$/, '');

/** `--api`, else `SLIPWAY_API_URL`, else the API logged in to, else the local default. */
export function apiUrl(flag?: string, creds?: Credentials | null, env: NodeJS.ProcessEnv = process.env): string {
  const url = flag ?? env.SLIPWAY_API_URL ?? creds?.apiUrl ?? DEFAULT_API_URL;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw usageError(`"${url}" is not an http(s) URL for the Slipway API`);
  }
  return normalizeUrl(url);
}

/**
 * The API token for `url`: `SLIPWAY_API_TOKEN`, else the stored one, but only
 * when it was issued by that same API (a token never goes to another server).
 */
export function tokenFor(url: string, creds: Credentials | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.SLIPWAY_API_TOKEN) return env.SLIPWAY_API_TOKEN;
  return creds && normalizeUrl(creds.apiUrl) === url ? creds.token : null;
}

/** A client carrying the caller's token; fails with a hint when nobody is logged in. */
export async function authedClient(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
  const creds = await readCredentials(env);
  const url = apiUrl(undefined, creds, env);
  const token = tokenFor(url, creds, env);
  if (!token) throw new SlipwayCliError(`Not logged in to ${url}: run \`slipway login\``);
  return new ApiClient(url, token);
}

/** `-a APP`, else the app the git remote "platform" of the current repository points at. */
export async function resolveApp(flag: string | undefined, cwd = process.cwd()): Promise<string> {
  if (flag) return flag;
  const fromRemote = await appFromRemote(cwd, DEFAULT_REMOTE);
  if (fromRemote) return fromRemote;
  throw usageError(`No app given: pass -a APP, or run this inside a repository with a "${DEFAULT_REMOTE}" git remote`);
}

/** `-a APP`, else the git remote's app, else none (for commands that then act across apps). */
export async function optionalApp(flag: string | undefined, cwd = process.cwd()): Promise<string | null> {
  return flag ?? (await appFromRemote(cwd, DEFAULT_REMOTE));
}
