import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { badRequest, notFound, SlipwayError, type Logger } from '@slipway/core';
import { safeReason } from '../redact.ts';
import type { PgTarget } from './provider.ts';

const run = promisify(execFile);

export interface BackupInfo {
  id: string;
  addonId: string;
  sizeBytes: number;
  createdAt: Date;
}

/** What a backup needs to reach one add-on's database as its own role. */
export interface BackupSource {
  addonId: string;
  target: PgTarget;
  secret: string;
}

const backupIdPattern = /^b(\d{13})-[a-z0-9]{6}$/;

/**
 * pg_dump/pg_restore with the add-on's own role (least privilege: it owns
 * everything in its database) into `<dir>/<addonId>/<backupId>.dump`, mode 0600.
 * The password travels in the child's environment, never on its command line.
 */
export class PostgresBackups {
  constructor(private readonly opts: { dir: string; logger: Logger }) {}

  async capture(source: BackupSource): Promise<BackupInfo> {
    const dir = await this.addonDir(source.addonId);
    const id = `b${Date.now()}-${randomBytes(3).toString('hex')}`;
    const file = join(dir, `${id}.dump`);
    const partial = `${file}.partial`;
    try {
      await this.tool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${partial}`], source);
      await rename(partial, file); // a listed backup is always complete
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
    this.opts.logger.info({ addonId: source.addonId, backupId: id }, 'postgres backup captured');
    return this.info(source.addonId, id);
  }

  /** Replaces the objects in the backup with their saved state; objects created since are kept. */
  async restore(source: BackupSource, backupId: string): Promise<void> {
    const file = await this.file(source.addonId, backupId);
    await this.tool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', file], source);
    this.opts.logger.info({ addonId: source.addonId, backupId }, 'postgres backup restored');
  }

  async list(addonId: string): Promise<BackupInfo[]> {
    const names = await readdir(join(this.opts.dir, addonId)).catch(() => [] as string[]);
    const ids = names.filter((n) => n.endsWith('.dump')).map((n) => n.slice(0, -5)).filter((id) => backupIdPattern.test(id));
    return Promise.all(ids.sort().map((id) => this.info(addonId, id)));
  }

  /** Backups of a destroyed add-on go with it. */
  async removeAll(addonId: string): Promise<void> {
    await rm(join(this.opts.dir, addonId), { recursive: true, force: true });
  }

  private async tool(command: string, args: string[], source: BackupSource): Promise<void> {
    const { host, port, user, database } = source.target;
    const env = { ...process.env, PGHOST: host, PGPORT: String(port), PGUSER: user, PGDATABASE: database, PGPASSWORD: source.secret, PGCONNECT_TIMEOUT: '10' };
    try {
      await run(command, [...args, `--dbname=${database}`], { env, maxBuffer: 4 * 1024 * 1024 });
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr?.trim();
      throw new SlipwayError('internal', `${command} failed: ${safeReason(stderr || e, [source.secret])}`);
    }
  }

  private async file(addonId: string, backupId: string): Promise<string> {
    if (!backupIdPattern.test(backupId)) throw badRequest(`'${backupId}' is not a backup id (see pg:backups)`);
    const file = join(this.opts.dir, addonId, `${backupId}.dump`);
    await stat(file).catch(() => {
      throw notFound(`Backup ${backupId}`);
    });
    return file;
  }

  private async info(addonId: string, id: string): Promise<BackupInfo> {
    const { size } = await stat(await this.file(addonId, id));
    return { id, addonId, sizeBytes: size, createdAt: new Date(Number(backupIdPattern.exec(id)![1])) };
  }

  private async addonDir(addonId: string): Promise<string> {
    const dir = join(this.opts.dir, addonId);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
}
