import type { WorkerNode } from '@slipway/api-types';
import { timeAgo, fullTime } from '../../lib/time.ts';

/** One node as a card: status, heartbeat, a memory bar and its instances. */
export function NodeRow({ node, onDrain }: { node: WorkerNode; onDrain: () => void }) {
  const used = node.memoryMb > 0 ? Math.min(100, Math.round((node.memoryUsedMb / node.memoryMb) * 100)) : 0;
  return (
    <li className="card stack node">
      <div className="section-head">
        <h2>
          <span className="mono">{node.name}</span> <span className={`badge node-${node.status}`}>{node.status}</span>
        </h2>
        {node.status !== 'draining' && (
          <button type="button" className="secondary small" onClick={onDrain} aria-label={`Drain ${node.name}`}>
            Drain
          </button>
        )}
      </div>
      <p className="muted small">
        {node.address} · {node.cpus} CPU · heartbeat{' '}
        <span title={node.lastHeartbeatAt ? fullTime(node.lastHeartbeatAt) : undefined}>{node.lastHeartbeatAt ? timeAgo(node.lastHeartbeatAt) : 'never'}</span>
      </p>
      <div>
        <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={used} aria-label={`Memory used on ${node.name}`}>
          <span style={{ width: `${used}%` }} />
        </div>
        <p className="small muted">
          {node.memoryUsedMb} of {node.memoryMb} MB reserved · {node.instances.length} instance{node.instances.length === 1 ? '' : 's'}
        </p>
      </div>
      {node.instances.length > 0 && (
        <p className="states">
          {node.instances.map((i) => (
            <span key={`${i.app}/${i.name}`} className={`badge state-${i.state}`}>
              {i.app} {i.name}
            </span>
          ))}
        </p>
      )}
    </li>
  );
}
