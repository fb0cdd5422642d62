import type { ContainerInspectInfo } from 'dockerode';
import type { Managed } from './docker/labels.ts';
import type { Health } from './health.ts';
import { hostPortOf } from './docker/engine.ts';
import type { ContainerReport } from './protocol.ts';

/** What the control plane hears about one container, from Docker's inspect, the agent's own health check and the last memory sample. */
export function reportOf(m: Managed, info: ContainerInspectInfo, checked: Health | undefined, memoryUsedMb?: number): ContainerReport {
  const running = info.State.Running;
  // Created, not started yet (the agent's start is between create and start): starting, never an exit.
  // Docker says ExitCode 0 for it, which read as `exited` made the control plane restart a healthy instance.
  if (info.State.Status === 'created') {
    return { instanceId: m.instanceId, generation: m.generation, containerId: m.containerId, hostPort: null, status: 'starting', health: 'unknown', exitCode: null, oomKilled: false, startedAt: null };
  }
  const health = m.oneOff && running ? 'healthy' : (checked ?? 'unknown');
  return {
    instanceId: m.instanceId, generation: m.generation, containerId: m.containerId, hostPort: hostPortOf(info),
    status: running ? (health === 'healthy' ? 'running' : 'starting') : 'exited',
    health, exitCode: running ? null : info.State.ExitCode,
    // The kernel's OOM killer ended it: exit 137 alone could also be any SIGKILL.
    oomKilled: !running && info.State.OOMKilled,
    startedAt: info.State.StartedAt.startsWith('0001') ? null : new Date(info.State.StartedAt).toISOString(),
    ...(running && memoryUsedMb !== undefined ? { memoryUsedMb } : {}),
  };
}
