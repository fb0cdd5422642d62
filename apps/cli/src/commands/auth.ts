import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { Account, LoginResult } from '@slipway/api-types';
import { ApiClient } from '../client.ts';
import { apiUrl, authedClient, normalizeUrl } from '../context.ts';
import { deleteCredentials, readCredentials, writeCredentials, type Credentials } from '../credentials.ts';
import { jsonOption, type JsonOpts } from '../options.ts';
import { print, printJson } from '../output.ts';
import { ask, askSecret } from '../prompt.ts';

interface LoginOpts {
  email?: string;
  password?: string;
  api?: string;
}

/** Revokes the token the credentials hold; best effort, so a dead server never blocks logging out. */
async function revoke(creds: Credentials): Promise<string | null> {
  try {
    const client = new ApiClient(creds.apiUrl, creds.token);
    const account = await client.get<Account>('/v1/account');
    if (account.token) await client.delete(`/v1/tokens/${account.token.id}`);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export function register(program: Command): void {
  program
    .command('login')
    .description('log in with email and password; an API token is issued and stored')
    .option('--email <email>', 'account email (prompted when missing)')
    .option('--password <password>', 'password (default: $SLIPWAY_PASSWORD; prompted when missing)')
    .option('--api <url>', `API URL (default: $SLIPWAY_API_URL, the last API logged in to, or http://127.0.0.1:4000)`)
    .action(async (opts: LoginOpts) => {
      const previous = await readCredentials().catch(() => null);
      const url = apiUrl(opts.api, previous);
      const email = opts.email ?? (await ask('Email: ', 'email'));
      const password = opts.password ?? process.env.SLIPWAY_PASSWORD ?? (await askSecret('Password: ', 'password'));
      // With a tokenDescription the answer carries the token.
      const res = await new ApiClient(url).post<Required<LoginResult>>('/v1/login', {
        email,
        password,
        tokenDescription: `slipway CLI on ${hostname()}`.slice(0, 200),
      });
      const path = await writeCredentials({ apiUrl: url, email: res.user.email, token: res.token });
      // The token this login replaces would otherwise stay valid, unused, forever.
      if (previous && normalizeUrl(previous.apiUrl) === url && previous.token !== res.token) await revoke(previous);
      print(`Logged in to ${url} as ${res.user.email} (token stored in ${path})`);
    });

  program
    .command('logout')
    .description('revoke the stored API token and forget it')
    .action(async () => {
      const creds = await readCredentials();
      if (!creds) return print('Not logged in');
      const failure = await revoke(creds);
      await deleteCredentials();
      if (failure) process.stderr.write(`Warning: the token could not be revoked on the server (${failure}); it was removed locally\n`);
      print(`Logged out of ${creds.apiUrl}`);
    });

  program
    .command('whoami')
    .description('show the account the stored token belongs to')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts) => {
      const account = await (await authedClient()).get<Account>('/v1/account');
      if (opts.json) return printJson(account);
      print(account.email);
    });
}
