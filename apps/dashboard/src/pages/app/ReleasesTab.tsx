import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import type { Release } from '@slipway/api-types';
import { useLoad } from '../../hooks/useLoad.ts';
import { LoadView } from '../../components/LoadView.tsx';
import { useAppContext } from './useAppContext.ts';
import { ReleaseRow } from './releases/ReleaseRow.tsx';
import { RollbackDialog } from './releases/RollbackDialog.tsx';
import { loadConfigKeys } from './releases/configKeys.ts';

export function ReleasesTab() {
  const { app, reloadApp } = useAppContext();
  const releases = useLoad(async () => {
    const page = await api.releases(app.name);
    return { page, keys: await loadConfigKeys(app.name, page.items) };
  }, [app.name, app.currentRelease?.version]);
  const [target, setTarget] = useState<Release | null>(null);
  const current = app.currentRelease?.version;

  return (
    <section className="card" aria-labelledby="rel-title">
      <h2 id="rel-title">Releases</h2>
      <LoadView state={releases} label="Loading releases">
        {({ page, keys }) =>
          page.items.length === 0 ? (
            <p className="muted">No releases yet: a push or a config change creates one.</p>
          ) : (
            <ol className="releases" aria-label="Releases, newest first">
              {page.items.map((r) => (
                <ReleaseRow
                  key={r.id}
                  release={r}
                  current={r.version === current}
                  keys={keys.get(r.version)}
                  previousKeys={r.version > 1 ? keys.get(r.version - 1) : null}
                  onRollback={() => setTarget(r)}
                />
              ))}
            </ol>
          )
        }
      </LoadView>
      <RollbackDialog
        app={app.name}
        release={target}
        onClose={() => setTarget(null)}
        onDone={() => {
          setTarget(null);
          reloadApp();
        }}
      />
    </section>
  );
}
