import { api } from '../../../api/endpoints.ts';
import { ApiError } from '../../../api/client.ts';
import { useLoad } from '../../../hooks/useLoad.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { usePolling } from '../../../hooks/usePolling.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { shortDuration } from '../../../lib/duration.ts';

/** Instances (dynos) with node, health and restarts; hidden on a server without the instances endpoint. */
export function InstancesSection({ app }: { app: string }) {
  const instances = useLoad(() => api.instances(app), [app]);
  // The app itself loaded, so a 404 here means this server has no instances endpoint yet.
  const unsupported = instances.error instanceof ApiError && instances.error.status === 404;
  usePolling(instances.reload, unsupported ? null : 5_000);
  const restart = useAction(async () => {
    await api.restart(app);
    instances.reload();
  });
  if (unsupported) return null;
  return (
    <section className="card stack" aria-labelledby="inst-title">
      <div className="section-head">
        <h2 id="inst-title">Instances</h2>
        <div className="actions">
          <button type="button" className="secondary small" onClick={instances.reload}>
            Refresh
          </button>
          <button type="button" className="secondary small" disabled={restart.pending} onClick={() => void restart.run()}>
            {restart.pending ? 'Restarting…' : 'Restart all'}
          </button>
        </div>
      </div>
      <ErrorMessage error={restart.error} />
      <LoadView state={instances} label="Loading instances">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">No instances: deploy the app, or scale a process above zero.</p>
          ) : (
            <ul className="plain list" aria-label="Instances">
              {rows.map((i) => (
                <li key={i.id} className="list-row">
                  <span>
                    <span className="mono strong">{i.name}</span> <span className={`badge state-${i.state}`}>{i.state}</span>
                    {i.healthy === false && <span className="badge state-crashed">unhealthy</span>}
                  </span>
                  <span className="muted small">
                    {i.node ?? 'unplaced'} · v{i.release} · up {shortDuration(i.uptimeSeconds)} · {i.restarts} restart{i.restarts === 1 ? '' : 's'}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </LoadView>
    </section>
  );
}
