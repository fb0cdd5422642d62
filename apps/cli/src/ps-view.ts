import type { FormationEntry, Instance } from '@slipway/api-types';
import { heading } from './output.ts';

/** Pure rendering of `ps`: instances grouped by process type, Heroku style. */

/** `45s`, `12m`, `2h 5m`, `3d 4h`: the two largest units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  const [big, bigUnit, small, smallUnit] = s < 86_400 ? [Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'm'] : [Math.floor(s / 86_400), 'd', Math.floor((s % 86_400) / 3600), 'h'];
  return small ? `${big}${bigUnit} ${small}${smallUnit}` : `${big}${bigUnit}`;
}

/**
 * `web.1: up 2h (v4) node n1 healthy (ready) restarts 0 mem 83/512 MB`; one out of rotation reads
 * `healthy (not ready: GET /ready returned 503)`; a crashed one reads `CRASHED` so it stands out, and why it crashed last.
 */
export function instanceLine(i: Instance): string {
  const state = i.state === 'running' ? `up ${formatDuration(i.uptimeSeconds)}` : i.state === 'crashed' ? 'CRASHED' : i.state;
  const health = i.state === 'running' ? `${i.healthy ? ' healthy' : ' unhealthy'} (${i.ready ? 'ready' : `not ready${i.notReady ? `: ${i.notReady}` : ''}`})` : '';
  const crashed = i.state === 'crashed' || i.restarts > 0 ? lastCrash(i) : null;
  const mem = i.memoryUsedMb === null ? '' : ` mem ${i.memoryUsedMb}/${i.memoryLimitMb} MB`;
  return `${i.name}: ${state} (v${i.release}) ${i.node ? `node ${i.node}` : 'not placed'}${health} restarts ${i.restarts}${mem}${crashed ? `, last crash: ${crashed}` : ''}`;
}

const lastCrash = (i: Instance): string | null => i.lastError ?? (i.lastExitCode === null ? null : `exit ${i.lastExitCode}`);

/** One block per process type: formation order first, then any other type, one-off `run` last. */
export function instanceGroups(instances: Instance[], formation: FormationEntry[]): string {
  const types = [...new Set([...formation.map((f) => f.type), ...instances.map((i) => i.type)])].sort(
    (a, b) => Number(a === 'run') - Number(b === 'run'),
  );
  const blocks: string[] = [];
  for (const type of types) {
    const members = instances.filter((i) => i.type === type);
    if (!members.length) continue;
    const size = formation.find((f) => f.type === type)?.size;
    const title = type === 'run' ? `run: one-off processes (${members.length})` : `${type}${size ? ` (${size})` : ''}: ${members.length}`;
    blocks.push([heading(title), ...members.map(instanceLine)].join('\n'));
  }
  return blocks.join('\n\n');
}
