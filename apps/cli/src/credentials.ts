import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SlipwayCliError } from './errors.ts';

/** What `slipway login` stores: one API and the token it issued. */
export interface Credentials {
  apiUrl: string;
  email: string;
  token: string;
}

/** `SLIPWAY_CONFIG_DIR`, else `$XDG_CONFIG_HOME/slipway`, else `~/.config/slipway`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_CONFIG_DIR) return env.SLIPWAY_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'slipway');
}

export const credentialsPath = (env: NodeJS.ProcessEnv = process.env): string => join(configDir(env), 'credentials.json');

function isCredentials(v: unknown): v is Credentials {
  const c = v as Partial<Credentials> | null;
  return typeof c?.apiUrl === 'string' && typeof c.email === 'string' && typeof c.token === 'string';
}

export async function readCredentials(env: NodeJS.ProcessEnv = process.env): Promise<Credentials | null> {
  const path = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SlipwayCliError(`Cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (!isCredentials(parsed)) throw new SlipwayCliError(`${path} is damaged; delete it and run \`slipway login\``);
  return parsed;
}

/** Written owner-only (0600, folder 0700) and atomically, so a crash never leaves half a token. */
export async function writeCredentials(creds: Credentials, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = credentialsPath(env);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  return path;
}

export async function deleteCredentials(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await rm(credentialsPath(env), { force: true });
}
