import pg from 'pg';
import type { Logger } from '@slipway/core';
import type { PlanLimits } from '../catalog.ts';
import type { AddonProvider, Credentials } from '../provider.ts';
import { resourceName } from '../names.ts';
import { scramVerifier } from './scram.ts';

export interface PostgresProviderOptions {
  /** Admin role on the managed cluster (scripts/addon-servers.sh prints it). */
  adminUrl: string;
  /** Host written into app URLs when apps reach the server by another address. */
  publicHost?: string;
  logger: Logger;
  connectTimeoutMs?: number;
}

/** Where an add-on's own role connects, e.g. for pg_dump with its credentials. */
export interface PgTarget {
  host: string;
  port: number;
  user: string;
  database: string;
}

const duplicateObject = '42710';
const invalidPassword = '28P01';
const duplicateDatabase = '42P04';
const hasCode = (e: unknown, code: string): boolean => (e as { code?: string } | null)?.code === code;

/**
 * Shared plan: one database and one login role per add-on, both named
 * `addon_<id hex>`, on the managed cluster. The role owns nothing but what it
 * creates inside its database; the admin owns the database, so the role cannot
 * re-grant CONNECT. The cluster's pg_hba ('sameuser') is a second wall.
 */
export class PostgresProvider implements AddonProvider {
  readonly service = 'postgres' as const;
  private readonly admin: URL;

  constructor(private readonly opts: PostgresProviderOptions) {
    this.admin = new URL(opts.adminUrl);
  }

  async provision(addonId: string, secret: string, limits: PlanLimits): Promise<Credentials> {
    const name = resourceName(addonId);
    await this.withAdmin('postgres', async (c) => {
      await this.ensureRole(c, name, secret, limits);
      await this.ensureDatabase(c, name);
    });
    // Inside the new database: the role may create objects in schema public.
    await this.withAdmin(name, (c) => c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${ident(c, name)}`));
    this.opts.logger.info({ addonId, role: name }, 'postgres add-on ready');
    return this.credentials(name, secret);
  }

  async deprovision(addonId: string): Promise<void> {
    const name = resourceName(addonId);
    await this.withAdmin('postgres', async (c) => {
      const role = ident(c, name);
      if (await this.roleExists(c, name)) {
        // Revoke login first so nothing reconnects while the data goes.
        await c.query(`ALTER ROLE ${role} NOLOGIN`);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [name]);
      }
      await c.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${role}`);
    });
    this.opts.logger.info({ addonId, role: name }, 'postgres add-on removed');
  }

  async exists(addonId: string): Promise<boolean> {
    const name = resourceName(addonId);
    return this.withAdmin('postgres', async (c) => {
      const { rowCount } = await c.query(
        'SELECT 1 FROM pg_roles WHERE rolname = $1 UNION ALL SELECT 1 FROM pg_database WHERE datname = $1',
        [name],
      );
      return (rowCount ?? 0) > 0;
    });
  }

  /**
   * Whether the add-on's role still accepts `secret`. Postgres lets any role
   * change its own password, which would break the URL its apps were given;
   * the usage watch calls this and provisions again (restoring it) on false.
   * Throws when it cannot tell (server down, the role's connections all in use).
   */
  async acceptsSecret(addonId: string, secret: string): Promise<boolean> {
    const { host, port, user, database } = this.target(addonId);
    const client = new pg.Client({ host, port, user, database, password: secret, connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return true;
    } catch (e) {
      if (hasCode(e, invalidPassword)) return false;
      throw e;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** The server as the control plane reaches it (backups run from here). */
  target(addonId: string): PgTarget {
    const name = resourceName(addonId);
    return { host: this.admin.hostname, port: Number(this.admin.port || 5432), user: name, database: name };
  }

  async close(): Promise<void> {}

  private credentials(name: string, secret: string): Credentials {
    const host = this.opts.publicHost ?? this.admin.hostname;
    const port = this.admin.port || '5432';
    return { url: `postgresql://${name}:${secret}@${host}:${port}/${name}`, username: name, secret, extra: {} };
  }

  /**
   * Sets the role's password and limits again without creating anything (so it
   * cannot race a destroy): for add-ons made before a limit existed, and for a
   * role that changed its own password. Fails when the role does not exist.
   */
  async restoreRole(addonId: string, secret: string, limits: PlanLimits): Promise<void> {
    const name = resourceName(addonId);
    await this.withAdmin('postgres', (c) => c.query(`ALTER ROLE ${ident(c, name)} ${roleAttributes(c, secret, limits)}`));
  }

  private async ensureRole(c: pg.Client, name: string, secret: string, limits: PlanLimits): Promise<void> {
    const attrs = roleAttributes(c, secret, limits);
    if (!(await this.roleExists(c, name))) {
      try {
        await c.query(`CREATE ROLE ${ident(c, name)} NOSUPERUSER NOREPLICATION NOBYPASSRLS ${attrs}`);
        return;
      } catch (e) {
        if (!hasCode(e, duplicateObject)) throw e; // made concurrently: align it below
      }
    }
    // A previous attempt (or a rotation) made it: set the attributes again. The
    // superuser-only ones need no reset: our non-superuser admin cannot grant them,
    // and a role that somehow has them makes this ALTER fail rather than pass.
    await c.query(`ALTER ROLE ${ident(c, name)} ${attrs}`);
  }

  private async ensureDatabase(c: pg.Client, name: string): Promise<void> {
    const db = ident(c, name);
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await c.query(`CREATE DATABASE ${db}`).catch((e: unknown) => {
        if (!hasCode(e, duplicateDatabase)) throw e;
      });
    }
    await c.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${db}`);
  }

  private async roleExists(c: pg.Client, name: string): Promise<boolean> {
    const { rowCount } = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
    return (rowCount ?? 0) > 0;
  }

  private async withAdmin<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(this.admin);
    url.pathname = `/${database}`;
    const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: this.opts.connectTimeoutMs ?? 5000 });
    // An 'error' event after a dropped connection must not crash the process.
    client.on('error', (e) => this.opts.logger.warn({ err: e.message }, 'postgres admin connection error'));
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

const ident = (c: pg.Client, name: string): string => c.escapeIdentifier(name);

/**
 * The role cannot raise its own CONNECTION LIMIT (that needs CREATEROLE), so one
 * add-on cannot take all of the server's connections from the others.
 */
function roleAttributes(c: pg.Client, secret: string, limits: PlanLimits): string {
  return `LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT ${limits.connections ?? -1} PASSWORD ${c.escapeLiteral(scramVerifier(secret))}`;
}
