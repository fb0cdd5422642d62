import { useEffect } from 'react';
import { api } from '../../../api/endpoints.ts';
import { ApiError } from '../../../api/client.ts';
import { useLoad } from '../../../hooks/useLoad.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { usePolling } from '../../../hooks/usePolling.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { InstanceRow } from './InstanceRow.tsx';

/**
 * Instances (dynos), refreshed when the app's change stream says so (polling only
 * while it is down); hidden on a server without the instances endpoint.
 */
export function InstancesSection({ app, changes }: { app: string; changes: { tick: number; live: boolean } }) {
  const instances = useLoad(() => api.instances(app), [app]);
  // The app itself loaded, so a 404 here means this server has no instances endpoint yet.
  const unsupported = instances.error instanceof ApiError && instances.error.status === 404;
  usePolling(instances.reload, unsupported || changes.live ? null : 5_000);
  useEffect(() => {
    if (changes.tick > 0) instances.reload();
  }, [changes.tick]);
  const restart = useAction(async (type?: string) => {
    await api.restart(app, type);
    instances.reload();
  });
  if (unsupported) return null;
  const types = [...new Set((instances.data ?? []).map((i) => i.type))];
  return (
    <section className="card stack" aria-labelledby="inst-title">
      <div className="section-head">
        <h2 id="inst-title">Instances</h2>
        <div className="actions">
          {types.length > 1 &&
            types.map((t) => (
              <button key={t} type="button" className="secondary small" disabled={restart.pending} onClick={() => void restart.run(t)}>
                Restart {t}
              </button>
            ))}
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
                <InstanceRow key={i.id} app={app} instance={i} onChanged={instances.reload} />
              ))}
            </ul>
          )
        }
      </LoadView>
    </section>
  );
}
