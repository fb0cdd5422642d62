import { SlipwayError, type Logger, type SecretBox } from '@slipway/core';
import type { AddonState, Db } from '@slipway/db';
import { planById } from './catalog.ts';
import { newSecret } from './names.ts';
import type { AddonProvider, Credentials, Providers } from './provider.ts';
import { safeReason } from './redact.ts';
import type { Operation } from './state.ts';

/** Apps whose config vars changed because an add-on changed state: the API makes their new releases. */
export interface AddonChange {
  addonId: string;
  state: AddonState;
  appIds: string[];
}

export interface BrokerDeps {
  db: Db;
  box: SecretBox;
  providers: Providers;
  logger: Logger;
  onChange?: (change: AddonChange) => Promise<void>;
  /** Extra strings to mask in stored failure reasons (e.g. admin passwords). */
  secrets?: readonly string[];
}

/** Sealed in Addon.credentials: only the secret while provisioning, everything once available. */
export type StoredCredentials = Pick<Credentials, 'secret'> & Partial<Credentials>;

export function providerFor(providers: Providers, planId: string): AddonProvider {
  const { service } = planById(planId);
  const provider = providers[service];
  if (!provider) throw new SlipwayError('unavailable', `The ${service} add-on server is not configured on this platform (set ADDONS_${service.toUpperCase()}_ADMIN_URL)`);
  return provider;
}

/**
 * One attempt of a long operation, run by the job processor. Resumable: the
 * secret is sealed on the row before the provider runs, so a retry after a
 * crash re-applies the same password to whatever the first attempt made.
 * On the final attempt a provision failure cleans up what was made (OSB orphan
 * mitigation) and both operations record `failed` with a masked reason.
 */
export async function runOperation(deps: BrokerDeps, addonId: string, operation: Operation, finalAttempt: boolean): Promise<void> {
  const { db, logger } = deps;
  const expected: AddonState = operation === 'provision' ? 'provisioning' : 'deprovisioning';
  const addon = await db.addon.findUnique({ where: { id: addonId } });
  if (!addon || addon.state !== expected) return; // superseded by a later request

  let secret = '';
  try {
    const provider = providerFor(deps.providers, addon.planId);
    if (operation === 'provision') {
      const stored = addon.credentials ? deps.box.decryptJson<StoredCredentials>(addon.credentials) : null;
      secret = stored?.secret ?? newSecret();
      if (!stored) await db.addon.update({ where: { id: addonId }, data: { credentials: deps.box.encryptJson({ secret }) } });
      const credentials = await provider.provision(addonId, secret, planById(addon.planId).limits);
      await finish(deps, addonId, expected, { state: 'available', credentials: deps.box.encryptJson(credentials), failure: null });
    } else {
      await provider.deprovision(addonId);
      await finish(deps, addonId, expected, { state: 'deprovisioned', credentials: null, failure: null });
    }
  } catch (error) {
    const reason = safeReason(error, [secret, ...(deps.secrets ?? [])]);
    logger.warn({ addonId, operation, finalAttempt, reason }, 'add-on operation attempt failed');
    if (!finalAttempt) throw new Error(reason);
    if (operation === 'provision') await cleanUp(deps, addonId, addon.planId);
    await finish(deps, addonId, expected, { state: 'failed', failure: `${operation} failed: ${reason}`, ...(operation === 'provision' ? { credentials: null } : {}) });
  }
}

async function cleanUp(deps: BrokerDeps, addonId: string, planId: string): Promise<void> {
  try {
    await providerFor(deps.providers, planId).deprovision(addonId);
  } catch (error) {
    // A later destroy (or provision retry) repeats it; names are deterministic.
    deps.logger.warn({ addonId, reason: safeReason(error, deps.secrets ?? []) }, 'cleanup after failed provision did not finish');
  }
}

/** Writes the outcome only if no other request moved the add-on meanwhile, then reports the change. */
async function finish(
  deps: BrokerDeps,
  addonId: string,
  from: AddonState,
  data: { state: AddonState; credentials?: string | null; failure: string | null },
): Promise<void> {
  const { count } = await deps.db.addon.updateMany({ where: { id: addonId, state: from }, data });
  if (!count) return;
  deps.logger.info({ addonId, state: data.state }, 'add-on state changed');
  const appIds = (await deps.db.attachment.findMany({ where: { addonId }, select: { appId: true } })).map((a) => a.appId);
  try {
    await deps.onChange?.({ addonId, state: data.state, appIds });
  } catch (error) {
    // The add-on's own state is settled; a failed release hook must not undo it.
    deps.logger.error({ addonId, err: (error as Error).message }, 'add-on change hook failed');
  }
}
