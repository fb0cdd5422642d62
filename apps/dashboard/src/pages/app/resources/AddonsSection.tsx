import { api } from '../../../api/endpoints.ts';
import { useLoad } from '../../../hooks/useLoad.ts';
import { usePolling } from '../../../hooks/usePolling.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { AddonRow } from './AddonRow.tsx';
import { AddAddonForm } from './AddAddonForm.tsx';

const settling = ['provisioning', 'deprovisioning'];

/** The app's add-ons; while one is being created or destroyed, its state is polled until it settles. */
export function AddonsSection({ app, onChanged }: { app: string; onChanged: () => void }) {
  const addons = useLoad(() => api.appAddons(app), [app]);
  const busy = (addons.data ?? []).some((a) => settling.includes(a.state));
  usePolling(addons.reload, busy ? 1_500 : null);
  const changed = () => {
    addons.reload();
    onChanged();
  };
  return (
    <section className="card stack" aria-labelledby="addons-title">
      <h2 id="addons-title">Add-ons</h2>
      <LoadView state={addons} label="Loading add-ons">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">No add-ons. Create a Postgres database or a Redis store: its URL arrives as a config var in a new release.</p>
          ) : (
            <ul className="plain list" aria-label="Add-ons">
              {rows.map((a) => (
                <AddonRow key={a.id} app={app} addon={a} onChanged={changed} />
              ))}
            </ul>
          )
        }
      </LoadView>
      <AddAddonForm app={app} attached={addons.data ?? []} onDone={changed} />
    </section>
  );
}
