import type { ContainerInspectInfo } from 'dockerode';
import type { Managed } from './docker/labels.ts';
import type { Health, Readiness } from './health.ts';
import { hostPortOf } from './docker/engine.ts';
import type { ContainerReport } from './protocol.ts';

/** What the agent's own checks know of one container. */
export interface Checked {
  health: Health | undefined;
  /** Absent while not known (before the instance went healthy, or an adopted one before its first round). */
  readiness?: Readiness | undefined;
  /** Why its health failed, when it did. */
  failure?: string | undefined;
}

/** What the control plane hears about one container, from Docker's inspect, the agent's own checks and the last memory sample. */
export function reportOf(m: Managed, info: ContainerInspectInfo, checked: Checked, memoryUsedMb?: number): ContainerReport {
  const running = info.State.Running;
  // Created, not started yet (the agent's start is between create and start): starting, never an exit.
  // Docker says ExitCode 0 for it, which read as `exited` made the control plane restart a healthy instance.
  if (info.State.Status === 'created') {
    return { instanceId: m.instanceId, generation: m.generation, containerId: m.containerId, hostPort: null, status: 'starting', health: 'unknown', exitCode: null, oomKilled: false, startedAt: null };
  }
  const health = m.oneOff && running ? 'healthy' : (checked.health ?? 'unknown');
  return {
    instanceId: m.instanceId, generation: m.generation, containerId: m.containerId, hostPort: hostPortOf(info),
    status: running ? (health === 'healthy' ? 'running' : 'starting') : 'exited',
    health, exitCode: running ? null : info.State.ExitCode,
    // The kernel's OOM killer ended it: exit 137 alone could also be any SIGKILL.
    oomKilled: !running && info.State.OOMKilled,
    startedAt: info.State.StartedAt.startsWith('0001') ? null : new Date(info.State.StartedAt).toISOString(),
    ...(running && memoryUsedMb !== undefined ? { memoryUsedMb } : {}),
    ...(running && health === 'healthy' && checked.readiness ? { ready: checked.readiness.ready, ...(checked.readiness.reason ? { notReady: checked.readiness.reason.slice(0, 500) } : {}) } : {}),
    ...(health === 'failed' && checked.failure ? { checkFailure: checked.failure.slice(0, 500) } : {}),
  };
}
