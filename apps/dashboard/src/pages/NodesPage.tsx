import { useState } from 'react';
import { api } from '../api/endpoints.ts';
import type { WorkerNode } from '@slipway/api-types';
import { useLoad } from '../hooks/useLoad.ts';
import { useAction } from '../hooks/useAction.ts';
import { usePolling } from '../hooks/usePolling.ts';
import { LoadView } from '../components/LoadView.tsx';
import { ErrorMessage } from '../components/ErrorMessage.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { NodeRow } from './nodes/NodeRow.tsx';

/** Worker nodes for administrators: state, memory used, instances, drain. */
export function NodesPage() {
  const nodes = useLoad(() => api.nodes(), []);
  usePolling(nodes.reload, 10_000);
  const [target, setTarget] = useState<WorkerNode | null>(null);
  const drain = useAction(async (name: string) => {
    await api.drainNode(name);
    setTarget(null);
    nodes.reload();
  });
  return (
    <section aria-labelledby="nodes-title">
      <div className="page-head">
        <h1 id="nodes-title">Nodes</h1>
        <button type="button" className="secondary" onClick={nodes.reload}>
          Refresh
        </button>
      </div>
      <LoadView state={nodes} label="Loading nodes">
        {(rows) =>
          rows.length === 0 ? (
            <div className="empty card">
              <h2>No worker nodes</h2>
              <p>Start an agent on a server to add it to the pool.</p>
            </div>
          ) : (
            <ul className="plain node-list" aria-label="Worker nodes">
              {rows.map((n) => (
                <NodeRow key={n.name} node={n} onDrain={() => setTarget(n)} />
              ))}
            </ul>
          )
        }
      </LoadView>
      <Dialog title={target ? `Drain ${target.name}` : 'Drain'} open={target !== null} onClose={() => setTarget(null)}>
        {target && (
          <div className="stack">
            <p>No new instances will be placed on {target.name}; its {target.instances.length} instances move to other nodes first.</p>
            <ErrorMessage error={drain.error} />
            <div className="actions">
              <button type="button" className="secondary" onClick={() => setTarget(null)}>
                Cancel
              </button>
              <button type="button" autoFocus disabled={drain.pending} onClick={() => void drain.run(target.name)}>
                {drain.pending ? 'Draining…' : 'Drain node'}
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </section>
  );
}
