import { useState } from 'react';
import { api } from '../api/endpoints.ts';
import { useLoad } from '../hooks/useLoad.ts';
import { LoadView } from '../components/LoadView.tsx';
import { CreateAppForm } from './apps/CreateAppForm.tsx';
import { AppRow } from './apps/AppRow.tsx';
import { useTeamFilter } from '../session/TeamFilter.tsx';

export function AppsPage() {
  const apps = useLoad(() => api.apps(), []);
  const [creating, setCreating] = useState(false);
  const { team, setTeam } = useTeamFilter();
  return (
    <section aria-labelledby="apps-title">
      <div className="page-head">
        <h1 id="apps-title">Apps</h1>
        {!creating && (
          <button type="button" onClick={() => setCreating(true)}>
            New app
          </button>
        )}
      </div>
      {creating && <CreateAppForm onCancel={() => setCreating(false)} />}
      <LoadView state={apps} label="Loading apps">
        {(page) => {
          const shown = team ? page.items.filter((a) => a.team === team) : page.items;
          return shown.length === 0 ? (
            team && page.items.length > 0 ? (
              <div className="empty card">
                <h2>No apps in {team}</h2>
                <button type="button" className="link" onClick={() => setTeam('')}>
                  Show every team's apps
                </button>
              </div>
            ) : (
              <div className="empty card">
                <h2>No apps yet</h2>
                <p>Create an app, then push code to it with git.</p>
              </div>
            )
          ) : (
            <ul className="rows card" aria-label="Your apps">
              <li className="row head" aria-hidden="true">
                <span>Name</span>
                <span>Team</span>
                <span>Release</span>
                <span>Processes</span>
                <span />
              </li>
              {shown.map((a) => (
                <AppRow key={a.id} app={a} onDestroyed={apps.reload} />
              ))}
            </ul>
          );
        }}
      </LoadView>
    </section>
  );
}
