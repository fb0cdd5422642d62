import type { Command } from 'commander';
import type { AddonCredentials } from '@slipway/api-types';
import { resolveAddon } from '../addon-resolve.ts';
import { api } from '../client.ts';
import { authedClient, resolveApp } from '../context.ts';
import { runInteractive } from '../external-tool.ts';
import { appOption, type AppOpts } from '../options.ts';
import { redisCliInvocation } from '../tool-args.ts';

export function register(program: Command): void {
  program
    .command('redis:cli [addon]')
    .description('open redis-cli on a Redis add-on (name or alias on the app; default: REDIS); needs the redis-tools package')
    .addOption(appOption())
    .action(async (arg: string | undefined, opts: AppOpts) => {
      const client = await authedClient();
      const { addon, alias } = await resolveAddon(client, arg, () => resolveApp(opts.app), 'redis');
      const { url, extra } = await client.get<AddonCredentials>(api`/v1/addons/${addon.id}/credentials`);
      process.stderr.write(`Connecting to ${addon.name}...\n`);
      // The add-on's user may only touch keys under its prefix; anything else is refused with NOPERM.
      if (extra.KEY_PREFIX) {
        process.stderr.write(`Keys must start with ${extra.KEY_PREFIX} (the app reads it from ${alias ?? '<ALIAS>'}_KEY_PREFIX)\n`);
      }
      process.exitCode = await runInteractive(redisCliInvocation(url), 'install the redis-tools package');
    });
}
