import { badRequest } from '@slipway/core';
import type { BackupInfo, BackupSource, PostgresBackups } from './postgres/backups.ts';
import type { PostgresProvider } from './postgres/provider.ts';
import type { AddonService } from './service.ts';

/** `pg:backups:*` for an add-on id: checks it is a live Postgres add-on, then runs the tools. */
export class BackupService {
  constructor(private readonly deps: { service: AddonService; postgres: PostgresProvider; backups: PostgresBackups }) {}

  async captureBackup(addonId: string): Promise<BackupInfo> {
    return this.deps.backups.capture(await this.source(addonId));
  }

  async restoreBackup(addonId: string, backupId: string): Promise<void> {
    await this.deps.backups.restore(await this.source(addonId), backupId);
  }

  async listBackups(addonId: string): Promise<BackupInfo[]> {
    await this.source(addonId);
    return this.deps.backups.list(addonId);
  }

  private async source(addonId: string): Promise<BackupSource> {
    const addon = await this.deps.service.get(addonId);
    if (addon.service !== 'postgres') throw badRequest(`${addon.name} is a ${addon.service} add-on; backups exist for Postgres add-ons`);
    const { secret } = await this.deps.service.credentials(addonId);
    return { addonId, target: this.deps.postgres.target(addonId), secret };
  }
}
