import { syncCatalog } from '../../packages/addons/src/catalog.ts';
import { client, tokenFor, type TestApi } from '../support/api-server.ts';

/** Who calls: every role of team "alpha", a foreign team's owner, scoped and expired tokens, nobody. */
export const actors = ['owner', 'member', 'viewer', 'foreign', 'readToken', 'deployToken', 'expired', 'none', 'admin'] as const;
export type Actor = (typeof actors)[number];

export interface Fixture {
  tokens: Record<Actor, string | undefined>;
  userIds: Record<Actor, string | undefined>;
  /** A fresh app of team alpha with a domain, a build and an owned add-on (for destructive operations). */
  freshApp: () => Promise<{ app: string; addon: string; build: string }>;
  app: string;
  addon: string;
  build: string;
}

const PASSWORD = 'correct-horse-battery';

/** Team alpha (owner, member, viewer) with an app, and a foreign user who owns only a personal team. */
export async function buildFixture(api: TestApi): Promise<Fixture> {
  const adminToken = await tokenFor(api.url, api.admin.email, api.admin.password);
  const asAdmin = client(api.url, adminToken);
  const login = async (name: string) => {
    const email = `${name}@tenancy.test`;
    const res = await asAdmin('POST', '/v1/users', { email, password: PASSWORD });
    if (res.status !== 201) throw new Error(`user ${name}: ${res.status}`);
    return { token: await tokenFor(api.url, email, PASSWORD), id: res.body.id as string, email };
  };
  const [owner, member, viewer, foreign] = [await login('owner'), await login('member'), await login('viewer'), await login('foreign')];
  const asOwner = client(api.url, owner.token);
  await must(asOwner('POST', '/v1/teams', { name: 'alpha' }));
  await must(asOwner('PUT', '/v1/teams/alpha/members', { email: member.email, role: 'member' }));
  await must(asOwner('PUT', '/v1/teams/alpha/members', { email: viewer.email, role: 'viewer' }));
  const scoped = async (scopes: string[]) => (await must(asOwner('POST', '/v1/tokens', { description: scopes.join(), scopes, expiresInDays: 30 }))).body.token as string;
  const readToken = await scoped(['read']);
  const deployToken = await scoped(['deploy']);
  const expired = await scoped(['global']);
  await api.deps.db.apiToken.updateMany({ where: { description: 'global', userId: owner.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });

  let n = 0;
  const freshApp = async () => {
    const app = `shop-${++n}`;
    const created = await must(asOwner('POST', '/v1/apps', { name: app, team: 'alpha' }));
    await must(asOwner('PATCH', `/v1/apps/${app}/config-vars`, { GREETING: 'hi' }));
    await must(asOwner('POST', `/v1/apps/${app}/domains`, { hostname: `www.${app}.example` }));
    const build = await api.deps.db.build.create({ data: { appId: created.body.id, commitSha: 'a'.repeat(40), status: 'succeeded', log: 'done\n' } });
    const plan = await api.deps.db.addonPlan.findFirstOrThrow({ where: { service: 'postgres' } });
    const addon = await api.deps.db.addon.create({
      data: {
        name: `${app}-db`,
        planId: plan.id,
        teamId: alpha,
        ownerAppId: created.body.id,
        state: 'available',
        credentials: api.deps.box.encryptJson({ url: `postgres://u:s3cret@127.0.0.1:1/${app}`, username: 'u', secret: 's3cret' }),
        attachments: { create: { appId: created.body.id, alias: 'DATABASE' } },
      },
    });
    return { app, addon: addon.name, build: build.id };
  };
  await syncCatalog(api.deps.db);
  const alpha = (await api.deps.db.team.findUniqueOrThrow({ where: { name: 'alpha' } })).id;
  const first = await freshApp();
  return {
    ...first,
    freshApp,
    tokens: { owner: owner.token, member: member.token, viewer: viewer.token, foreign: foreign.token, readToken, deployToken, expired, none: undefined, admin: adminToken },
    userIds: {
      owner: owner.id,
      member: member.id,
      viewer: viewer.id,
      foreign: foreign.id,
      readToken: owner.id,
      deployToken: owner.id,
      expired: owner.id,
      none: undefined,
      admin: (await api.deps.db.user.findUniqueOrThrow({ where: { email: api.admin.email } })).id,
    },
  };
}

async function must<T extends { status: number; body: unknown }>(p: Promise<T>): Promise<T> {
  const res = await p;
  if (res.status >= 400) throw new Error(`fixture call failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}
