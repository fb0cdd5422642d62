import { api } from '../../../api/endpoints.ts';
import type { Instance } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { shortDuration } from '../../../lib/duration.ts';

/** One instance with node, health, readiness, restarts and memory use; stopping it makes the formation start a fresh one. */
export function InstanceRow({ app, instance: i, onChanged }: { app: string; instance: Instance; onChanged: () => void }) {
  const stop = useAction(async () => {
    await api.stopInstance(app, i.name);
    onChanged();
  });
  const lastCrash = i.state === 'crashed' || i.restarts > 0 ? (i.lastError ?? (i.lastExitCode === null ? null : `exit ${i.lastExitCode}`)) : null;
  return (
    <li className="list-row instance-row">
      <span>
        <span className="mono strong">{i.name}</span> <span className={`badge state-${i.state}`}>{i.state}</span>
        {i.healthy === false && i.state === 'running' && <span className="badge state-crashed">unhealthy</span>}
        {i.state === 'running' && (i.ready
          ? <span className="badge state-running" title="Its readiness checks pass: it gets requests">ready</span>
          : <span className="badge state-crashed" title={`Out of the router's rotation until its readiness checks pass${i.notReady ? `: ${i.notReady}` : ''}`}>not ready</span>)}
      </span>
      <span className="muted small">
        {i.node ?? 'unplaced'} · v{i.release} · up {shortDuration(i.uptimeSeconds)} · {i.restarts} restart{i.restarts === 1 ? '' : 's'}
        {i.memoryUsedMb !== null && ` · ${i.memoryUsedMb} of ${i.memoryLimitMb} MB`}
        {i.state === 'running' && !i.ready && i.notReady && ` · not ready: ${i.notReady}`}
        {lastCrash && ` · last crash: ${lastCrash}`}
      </span>
      <span className="actions">
        <button
          type="button"
          className="secondary small"
          disabled={stop.pending || i.state === 'draining'}
          onClick={() => void stop.run()}
          aria-label={`Stop ${i.name}`}
          title="Stops this instance; the formation starts a fresh one in its place"
        >
          {stop.pending ? 'Stopping…' : 'Stop'}
        </button>
      </span>
      <ErrorMessage error={stop.error} />
    </li>
  );
}
