import type { Request } from 'express';
import type { Prisma } from '@slipway/db';
import type { Deps } from '../deps.ts';
import type { Principal } from '../auth/principal.ts';

export interface AuditEntry {
  action: string;
  target?: string;
  teamId?: string | null;
  appId?: string | null;
  /** Never secret values: callers pass keys, ids and counts only. */
  data?: Prisma.InputJsonValue;
}

/** Who did what, when and from where. Audit writes never fail the request they describe. */
export async function audit(deps: Deps, req: Request, principal: Principal | null, entry: AuditEntry): Promise<void> {
  await deps.db.event
    .create({
      data: {
        actorId: principal?.user.id ?? null,
        actor: principal?.user.email ?? null,
        teamId: entry.teamId ?? null,
        appId: entry.appId ?? null,
        action: entry.action,
        target: entry.target ?? null,
        data: entry.data ?? {},
        sourceIp: req.ip ?? null,
        requestId: String(req.id ?? ''),
      },
    })
    .catch((err: unknown) => deps.log.error({ err, action: entry.action }, 'audit write failed'));
}
