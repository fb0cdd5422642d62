import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { LoadView } from '../../components/LoadView.tsx';
import { InstanceStates } from '../../components/InstanceStates.tsx';
import { useAppContext } from './useAppContext.ts';
import { FormationRow } from './resources/FormationRow.tsx';
import { InstancesSection } from './resources/InstancesSection.tsx';
import { AddonsSection } from './resources/AddonsSection.tsx';

export function ResourcesTab() {
  const { app, reloadApp, changes } = useAppContext();
  const formation = useLoad(() => api.formation(app.name), [app.name]);
  return (
    <div className="stack">
      <section className="card" aria-labelledby="res-title">
        <h2 id="res-title">Processes</h2>
        <LoadView state={formation} label="Loading processes">
          {(rows) =>
            rows.length === 0 ? (
              <p className="muted">No process types yet: they come from the Procfile of the first deploy.</p>
            ) : (
              <ul className="formation" aria-label="Process types">
                {rows.map((f) => (
                  <FormationRow
                    key={f.type}
                    app={app.name}
                    entry={f}
                    onSaved={(next) => {
                      formation.setData(next);
                      reloadApp();
                    }}
                  />
                ))}
              </ul>
            )
          }
        </LoadView>
        <InstanceStates instances={app.instances} />
      </section>
      <InstancesSection app={app.name} changes={changes} />
      <AddonsSection app={app.name} onChanged={reloadApp} />
    </div>
  );
}
