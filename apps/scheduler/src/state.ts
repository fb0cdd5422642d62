import { z } from 'zod';
import type { Db } from '@slipway/db';
import type { AppDesired, InstanceView, NodeView } from './model.ts';

export interface ClusterState {
  nodes: NodeView[];
  apps: AppDesired[];
  instances: InstanceView[];
  /** Release ids the scheduler is about to roll out but has not marked deploying yet. */
  pendingTargets: string[];
  /** Releases whose release phase is due or running: nothing of theirs is placed meanwhile. */
  phases: PhaseView[];
}

export interface PhaseView {
  appId: string;
  releaseId: string;
  version: number;
  status: 'pending' | 'releasing';
  /** app.json `scripts.dokku.predeploy`, run first. */
  predeploy: string | null;
  /** The Procfile's `release:` command, run after the predeploy. One of the two is set. */
  command: string | null;
}

/** Node labels, and Formation.constraints (labels an instance requires, e.g. {"disk":"ssd"}). */
const labels = z.record(z.string(), z.string()).catch({});

/** Reads everything reconcile needs in three queries. */
export async function loadState(db: Db): Promise<ClusterState> {
  const [nodes, apps, instances] = await Promise.all([
    db.node.findMany(),
    db.app.findMany({
      select: {
        id: true,
        formation: true,
        releases: {
          where: { status: { in: ['pending', 'releasing', 'deploying', 'succeeded'] }, image: { not: null } },
          orderBy: { version: 'desc' },
          take: 10,
          select: { id: true, status: true, version: true, releaseCommand: true, predeployCommand: true },
        },
      },
    }),
    db.instance.findMany({ where: { type: { not: 'run' } } }),
  ]);
  const memory = new Map(apps.flatMap((a) => a.formation.map((f) => [`${a.id}/${f.type}`, f.memoryMb] as const)));
  const pendingTargets: string[] = [];
  const phases: PhaseView[] = [];
  const desired = apps.map((a): AppDesired => {
    // A release in its phase (or due for it) is not rolled out yet: what was rolling out or serving stays the target.
    const inPhase = (r: (typeof a.releases)[number]) => r.status === 'releasing' || (r.status === 'pending' && (r.releaseCommand !== null || r.predeployCommand !== null));
    for (const r of a.releases) {
      if (inPhase(r) && (r.status === 'releasing' || r === a.releases[0])) phases.push({ appId: a.id, releaseId: r.id, version: r.version, status: r.status as PhaseView['status'], predeploy: r.predeployCommand, command: r.releaseCommand });
    }
    const target = a.releases[0] && inPhase(a.releases[0]) ? a.releases.find((r) => r.status === 'deploying' || r.status === 'succeeded') : a.releases[0];
    if (target?.status === 'pending') pendingTargets.push(target.id);
    return {
      appId: a.id,
      target: target?.id ?? null,
      serving: a.releases.find((r) => r.status === 'succeeded')?.id ?? null,
      formation: a.formation.map((f) => ({ type: f.type, quantity: f.quantity, memoryMb: f.memoryMb, cpuShares: f.cpuShares, constraints: labels.parse(f.constraints) })),
    };
  });
  return {
    nodes: nodes.map((n) => ({
      id: n.id, name: n.name, status: n.status, lastHeartbeatAt: n.lastHeartbeatAt?.getTime() ?? null, memoryMb: n.memoryMb, cpus: n.cpus, labels: labels.parse(n.labels),
    })),
    apps: desired,
    instances: instances.map((i) => ({
      id: i.id, appId: i.appId, releaseId: i.releaseId, type: i.type, name: i.name, nodeId: i.nodeId, state: i.state, healthy: i.healthy, restarts: i.restarts,
      memoryMb: memory.get(`${i.appId}/${i.type}`) ?? 512, updatedAt: i.updatedAt.getTime(), startedAt: i.startedAt?.getTime() ?? null,
    })),
    pendingTargets,
    phases,
  };
}
