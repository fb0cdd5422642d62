import { badRequest, conflict, notFound } from '@slipway/core';
import { Prisma, type Addon, type Attachment } from '@slipway/db';
import type { Queue } from 'bullmq';
import { catalog, findPlan, planById, syncCatalog, type Plan } from './catalog.ts';
import { enqueueOperation, type AddonJobData } from './jobs.ts';
import { configVarsFor, defaultAlias, newAddonName, newSecret, parseAlias } from './names.ts';
import { providerFor, type BrokerDeps, type StoredCredentials } from './operations.ts';
import type { Credentials } from './provider.ts';
import { canAttach, onDeprovisionRequest, onProvisionRequest, type Decision } from './state.ts';
import { z } from 'zod';

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(result.error.issues[0]!.message);
  return result.data;
}

/** What the API may show about an add-on: never its credentials. */
export interface AddonView {
  id: string;
  name: string;
  service: Plan['service'];
  plan: string;
  teamId: string;
  ownerAppId: string | null;
  state: Addon['state'];
  lastOperation: string | null;
  failure: string | null;
  attachments: { appId: string; alias: string }[];
  /** The plan's memory quota and the usage watch's last measurement (Redis), or null. */
  usage: { bytes: number | null; quotaBytes: number; overQuota: boolean; measuredAt: Date | null } | null;
  /** The plan's connection limit (Postgres), or null. */
  connectionLimit: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProvisionInput {
  teamId: string;
  /** `SERVICE[:PLAN]`, e.g. `postgres` or `redis:shared`. */
  spec: string;
  /** OSB instance id: repeating a request with the same id is harmless. Default: new. */
  id?: string;
  name?: string;
  ownerAppId?: string;
  /** Attach to this app now; its vars appear once the add-on is available. */
  attach?: { appId: string; alias?: string };
}

const addonName = z.string().regex(/^[a-z][a-z0-9-]{2,62}$/, 'An add-on name is 3-63 lower case letters, digits and dashes');
const withAttachments = { attachments: { select: { appId: true, alias: true } } } as const;
type AddonRow = Addon & { attachments: { appId: string; alias: string }[] };

/** The broker's API-facing side: answers at once and leaves long work to the `addons` queue. */
export class AddonService {
  private catalogSynced: Promise<void> | null = null;

  constructor(private readonly deps: BrokerDeps & { queue: Queue<AddonJobData>; attempts: number }) {}

  catalog(): readonly Plan[] {
    return catalog;
  }

  async provision(input: ProvisionInput): Promise<AddonView> {
    const plan = findPlan(input.spec);
    // Refuse at once, rather than queue a job that can only fail, when the service has no server.
    providerFor(this.deps.providers, plan.id);
    const id = input.id === undefined ? crypto.randomUUID() : parse(z.uuid({ error: 'The add-on id must be a UUID' }), input.id);
    const name = input.name === undefined ? undefined : parse(addonName, input.name);
    await (this.catalogSynced ??= syncCatalog(this.deps.db));

    const existing = await this.deps.db.addon.findUnique({ where: { id } });
    if (existing) {
      if (existing.teamId !== input.teamId || existing.planId !== plan.id) throw conflict(`Add-on ${id} exists with other parameters`);
      await this.apply(id, 'provision', onProvisionRequest(existing.state));
      if (input.attach) await this.bind(id, input.attach.appId, input.attach.alias);
    } else {
      await this.create(id, plan, input, name);
      // Attached before the job is queued: a provision that fails at once must not win the race and refuse the attachment.
      try {
        if (input.attach) await this.bind(id, input.attach.appId, input.attach.alias);
      } finally {
        await enqueueOperation(this.deps.queue, { addonId: id, operation: 'provision' }, this.deps.attempts);
      }
    }
    return this.get(id);
  }

  /** Detaches it from every app at once (returned so the API can release them), then deletes it in the background. */
  async deprovision(addonId: string): Promise<{ addon: AddonView; detachedAppIds: string[] }> {
    const addon = await this.row(addonId);
    const decision = onDeprovisionRequest(addon.state);
    const detachedAppIds = addon.attachments.map((a) => a.appId);
    if (decision.kind === 'enqueue') await this.deps.db.attachment.deleteMany({ where: { addonId } });
    await this.apply(addonId, 'deprovision', decision);
    return { addon: await this.get(addonId), detachedAppIds };
  }

  /** Attaches to an app as `<ALIAS>_URL`; repeating it returns the same attachment. */
  async bind(addonId: string, appId: string, alias?: string): Promise<{ attachment: Attachment; configVars: Record<string, string> }> {
    const addon = await this.row(addonId);
    const found = await this.deps.db.attachment.findUnique({ where: { addonId_appId: { addonId, appId } } });
    if (found && (alias === undefined || parseAlias(alias) === found.alias)) return { attachment: found, configVars: this.varsOf(addon, found.alias) };
    if (found) throw conflict(`${addon.name} is already attached to this app as ${found.alias}; detach it first`);
    if (!canAttach(addon.state)) throw conflict(`${addon.name} is ${addon.state} and cannot be attached`);

    const taken = new Set((await this.deps.db.attachment.findMany({ where: { appId }, select: { alias: true } })).map((a) => a.alias));
    const chosen = alias === undefined ? defaultAlias(planById(addon.planId).service, addon.name, taken) : parseAlias(alias);
    if (taken.has(chosen)) throw conflict(`This app already has an add-on attached as ${chosen}; choose another with --as`);
    try {
      const attachment = await this.deps.db.attachment.create({ data: { addonId, appId, alias: chosen } });
      return { attachment, configVars: this.varsOf(addon, chosen) };
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict(`This app already has an add-on attached as ${chosen}; choose another with --as`);
      throw e;
    }
  }

  /** Detaches; returns the var names the app's next release must drop. Repeating it is harmless. */
  async unbind(addonId: string, appId: string): Promise<{ removedVars: string[] }> {
    const addon = await this.row(addonId);
    const found = await this.deps.db.attachment.findUnique({ where: { addonId_appId: { addonId, appId } } });
    if (!found) return { removedVars: [] };
    await this.deps.db.attachment.deleteMany({ where: { id: found.id } });
    const names = [`${found.alias}_URL`, ...(planById(addon.planId).service === 'redis' ? [`${found.alias}_KEY_PREFIX`] : [])];
    return { removedVars: names };
  }

  async get(addonId: string): Promise<AddonView> {
    return view(await this.row(addonId));
  }

  async list(filter: { teamId?: string; appId?: string }): Promise<AddonView[]> {
    const rows = await this.deps.db.addon.findMany({
      where: {
        state: { not: 'deprovisioned' },
        ...(filter.teamId ? { teamId: filter.teamId } : {}),
        ...(filter.appId ? { OR: [{ ownerAppId: filter.appId }, { attachments: { some: { appId: filter.appId } } }] } : {}),
      },
      include: withAttachments,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(view);
  }

  /** Decrypted credentials; the caller must have checked team membership. */
  async credentials(addonId: string): Promise<Credentials> {
    const addon = await this.row(addonId);
    const stored = addon.state === 'available' && addon.credentials ? this.deps.box.decryptJson<StoredCredentials>(addon.credentials) : null;
    if (!stored?.url) throw conflict(`${addon.name} is ${addon.state}; credentials exist only while it is available`);
    return { url: stored.url, username: stored.username ?? '', secret: stored.secret, extra: stored.extra ?? {} };
  }

  /** Every add-on var of an app, for its next release (only available add-ons contribute). */
  async configVarsForApp(appId: string): Promise<Record<string, string>> {
    const attachments = await this.deps.db.attachment.findMany({ where: { appId }, include: { addon: true } });
    return Object.assign({}, ...attachments.map((a) => this.varsOf(a.addon, a.alias)));
  }

  /** New password now; returns the apps to release with it. Old sessions keep working until they reconnect. */
  async rotateCredentials(addonId: string): Promise<{ appIds: string[] }> {
    const addon = await this.row(addonId);
    if (addon.state !== 'available') throw conflict(`${addon.name} is ${addon.state}; only an available add-on can rotate credentials`);
    const credentials = await providerFor(this.deps.providers, addon.planId).provision(addonId, newSecret(), planById(addon.planId).limits);
    await this.deps.db.addon.update({ where: { id: addonId }, data: { credentials: this.deps.box.encryptJson(credentials), lastOperation: 'rotate' } });
    return { appIds: addon.attachments.map((a) => a.appId) };
  }

  /**
   * Re-queues every unfinished operation, for a broker process starting after a
   * crash or a Redis loss; job ids make it harmless when the jobs still exist.
   */
  async resumePending(): Promise<number> {
    const pending = await this.deps.db.addon.findMany({ where: { state: { in: ['provisioning', 'deprovisioning'] } }, select: { id: true, state: true } });
    for (const { id, state } of pending) {
      await enqueueOperation(this.deps.queue, { addonId: id, operation: state === 'provisioning' ? 'provision' : 'deprovision' }, this.deps.attempts);
    }
    return pending.length;
  }

  private varsOf(addon: Addon, alias: string): Record<string, string> {
    if (addon.state !== 'available' || !addon.credentials) return {};
    const stored = this.deps.box.decryptJson<StoredCredentials>(addon.credentials);
    return stored.url ? configVarsFor(alias, { url: stored.url, extra: stored.extra ?? {} }) : {};
  }

  private async create(id: string, plan: Plan, input: ProvisionInput, name: string | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const data = { id, name: name ?? newAddonName(plan.service), planId: plan.id, teamId: input.teamId, ownerAppId: input.ownerAppId ?? null, lastOperation: 'provision' };
        await this.deps.db.addon.create({ data });
        return;
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        if (await this.deps.db.addon.findUnique({ where: { id } })) return; // same id created concurrently
        if (name !== undefined) throw conflict(`An add-on named ${name} already exists`);
        if (attempt >= 5) throw e;
      }
    }
  }

  private async apply(addonId: string, operation: AddonJobData['operation'], decision: Decision): Promise<void> {
    if (decision.kind === 'conflict') throw conflict(decision.message);
    if (decision.kind === 'noop') return;
    await this.deps.db.addon.update({ where: { id: addonId }, data: { state: decision.state, lastOperation: operation, failure: null } });
    await enqueueOperation(this.deps.queue, { addonId, operation }, this.deps.attempts);
  }

  private async row(addonId: string): Promise<AddonRow> {
    const parsed = z.uuid().safeParse(addonId);
    const addon = parsed.success ? await this.deps.db.addon.findUnique({ where: { id: parsed.data }, include: withAttachments }) : null;
    if (!addon) throw notFound('Add-on');
    return addon;
  }
}

function view(addon: AddonRow): AddonView {
  const plan = planById(addon.planId);
  const { id, name, teamId, ownerAppId, state, lastOperation, failure, createdAt, updatedAt, attachments } = addon;
  const { memoryBytes, connections } = plan.limits;
  const usage = memoryBytes === undefined ? null : {
    bytes: addon.usageBytes === null ? null : Number(addon.usageBytes),
    quotaBytes: memoryBytes,
    overQuota: addon.overQuota,
    measuredAt: addon.usageAt,
  };
  return {
    id, name, service: plan.service, plan: plan.name, teamId, ownerAppId, state, lastOperation, failure, attachments, usage,
    connectionLimit: connections ?? null, createdAt, updatedAt,
  };
}

const isUniqueViolation = (e: unknown): boolean => e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
