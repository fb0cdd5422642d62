import { fileURLToPath } from 'node:url';
import { text } from 'node:stream/consumers';
import type { Command } from 'commander';
import type { AppInfo } from '@slipway/api-types';
import { api } from '../client.ts';
import { apiUrl, authedClient, resolveApp, tokenFor } from '../context.ts';
import { readCredentials } from '../credentials.ts';
import { credentialAnswer, parseCredentialRequest, requestMatches } from '../credential-helper.ts';
import { assertRepository, configureRemote, DEFAULT_REMOTE, gitUrlFor } from '../git-remote.ts';
import { appOption, type AppOpts } from '../options.ts';
import { print, shellQuote } from '../output.ts';

/** How git runs this CLI as its credential helper: absolute paths, so it works from any directory. */
export function helperCommand(): string {
  const bin = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));
  return `!${shellQuote(process.execPath)} ${shellQuote(bin)} git:credential`;
}

export function register(program: Command): void {
  program
    .command('git:remote')
    .description(`add or update a git remote for an app; pushes authenticate with your stored token`)
    .addOption(appOption())
    .option('-r, --remote <name>', 'name of the git remote', DEFAULT_REMOTE)
    .action(async (opts: AppOpts & { remote: string }) => {
      await assertRepository(process.cwd());
      const app = await resolveApp(opts.app);
      const client = await authedClient();
      const info = await client.get<AppInfo>(api`/v1/apps/${app}`);
      const url = gitUrlFor(client.baseUrl, info.name);
      const done = await configureRemote({ cwd: process.cwd(), remote: opts.remote, url, helper: helperCommand() });
      print(`Git remote ${opts.remote} ${done}: ${url}`);
      print(`Deploy with: git push ${opts.remote} main`);
    });

  program
    .command('git:credential <action>', { hidden: true })
    .description("git's credential helper (gitcredentials(7)): answers `get` with the stored token")
    .action(async (action: string) => {
      const request = parseCredentialRequest(await text(process.stdin));
      // `store` and `erase` are no-ops: the token lives in the credentials file, not in git.
      if (action !== 'get') return;
      const creds = await readCredentials();
      const url = apiUrl(undefined, creds);
      const token = tokenFor(url, creds);
      if (token && requestMatches(request, url)) process.stdout.write(credentialAnswer(token));
    });
}
