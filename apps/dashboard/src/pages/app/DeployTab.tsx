import { useState } from 'react';
import { useAppContext } from './useAppContext.ts';
import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { usePolling } from '../../hooks/usePolling.ts';
import { CopyField } from '../../components/CopyField.tsx';
import { LoadView } from '../../components/LoadView.tsx';
import { BuildHistory } from './deploy/BuildHistory.tsx';
import { BuildLog } from './deploy/BuildLog.tsx';
import { isActive } from './deploy/BuildStatus.tsx';

export function DeployTab() {
  const { app } = useAppContext();
  const builds = useLoad(() => api.builds(app.name), [app.name]);
  // A push starts a build without any other signal to the browser: look for new builds while the tab is open.
  usePolling(builds.reload, 4_000);
  const [chosen, setChosen] = useState<string | null>(null);
  const items = builds.data?.items ?? [];
  // Without a choice, show the running build, else the latest.
  const shown = items.find((b) => b.id === chosen) ?? items.find((b) => isActive(b.status)) ?? items[0] ?? null;
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="dp-git">
        <h2 id="dp-git">Deploy with git</h2>
        <p>Add the platform as a git remote, then push a branch to build and release it.</p>
        <CopyField label="Add the remote" value={`git remote add platform ${app.gitUrl}`} />
        <CopyField label="Or let the CLI add it" value={`slipway git:remote -a ${app.name}`} />
        <CopyField label="Deploy" value="git push platform main" />
        <p className="muted small">Git asks for a password: use an API token from your Account page.</p>
      </section>
      <section className="card stack" aria-labelledby="dp-builds">
        <h2 id="dp-builds">Build history</h2>
        <LoadView state={builds} label="Loading builds">
          {(page) =>
            page.items.length === 0 ? (
              <p className="muted">No builds yet: push to the git remote above and the build appears here with its live log.</p>
            ) : (
              <BuildHistory builds={page.items} selected={shown?.id ?? null} onSelect={setChosen} />
            )
          }
        </LoadView>
      </section>
      {shown && <BuildLog key={shown.id} app={app.name} build={shown} onChanged={builds.reload} />}
    </div>
  );
}
