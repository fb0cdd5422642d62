import { usageError } from './errors.ts';

/**
 * How `pg:psql` and `redis:cli` start the database clients. The password goes
 * in the environment (PGPASSWORD, REDISCLI_AUTH), not on the command line,
 * where other users of the machine could read it in the process list.
 */
export interface Invocation {
  command: string;
  args: string[];
  env: Record<string, string>;
}

function parseUrl(url: string, protocols: string[]): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError('The add-on URL from the API is not a URL');
  }
  if (!protocols.includes(parsed.protocol)) throw usageError(`The add-on URL is ${parsed.protocol} rather than ${protocols.join(' or ')}`);
  return parsed;
}

export function psqlInvocation(url: string): Invocation {
  const u = parseUrl(url, ['postgres:', 'postgresql:']);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { command: 'psql', args: [u.toString()], env: password ? { PGPASSWORD: password } : {} };
}

export function redisCliInvocation(url: string): Invocation {
  const u = parseUrl(url, ['redis:', 'rediss:']);
  const args = ['-h', u.hostname.replace(/^\[|\]$/g, ''), '-p', u.port || '6379'];
  if (u.username) args.push('--user', decodeURIComponent(u.username));
  const db = u.pathname.replace(/^\//, '');
  if (db) args.push('-n', db);
  if (u.protocol === 'rediss:') args.push('--tls');
  return { command: 'redis-cli', args, env: u.password ? { REDISCLI_AUTH: decodeURIComponent(u.password) } : {} };
}
