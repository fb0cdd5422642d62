import type { Addon } from '@slipway/api-types';
import { api, type ApiClient } from './client.ts';
import { SlipwayCliError } from './errors.ts';

const ALIAS = /^[A-Z][A-Z0-9_]*$/;

/**
 * The add-on a command acts on: a name or id as given; an alias such as
 * DATABASE or REDIS, looked up among the app's attachments; or, with nothing
 * given, the app's add-on attached under the service's default alias.
 */
export async function resolveAddon(
  client: ApiClient,
  arg: string | undefined,
  app: () => Promise<string>,
  service: Addon['service'],
): Promise<{ addon: Addon; app: string | null; alias: string | null }> {
  if (arg && !ALIAS.test(arg)) {
    const addon = await client.get<Addon>(api`/v1/addons/${arg}`);
    if (addon.service !== service) throw new SlipwayCliError(`${addon.name} is a ${addon.service} add-on, not ${service}`);
    return { addon, app: null, alias: addon.attachments.length === 1 ? addon.attachments[0]!.alias : null };
  }
  const appName = await app();
  const alias = arg ?? (service === 'postgres' ? 'DATABASE' : 'REDIS');
  const addons = await client.get<Addon[]>(api`/v1/apps/${appName}/addons`);
  for (const addon of addons) {
    const attached = addon.attachments.find((a) => a.app === appName && a.alias === alias);
    if (attached && addon.service === service) return { addon, app: appName, alias };
  }
  throw new SlipwayCliError(`${appName} has no ${service} add-on attached as ${alias}: pass the add-on's name (see \`slipway addons -a ${appName}\`)`);
}
