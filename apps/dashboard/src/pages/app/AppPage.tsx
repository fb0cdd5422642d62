import { useEffect } from 'react';
import { Link, Outlet, useParams } from 'react-router';
import { api } from '../../api/endpoints.ts';
import { ApiError } from '../../api/client.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { usePolling } from '../../hooks/usePolling.ts';
import { useAppEvents } from '../../hooks/useAppEvents.ts';
import { Loading } from '../../components/Loading.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { AppTabs } from './AppTabs.tsx';
import type { AppContext } from './useAppContext.ts';

/** Header and tabs of one app; the selected tab renders below with the app's info. */
export function AppPage() {
  const name = useParams().app ?? '';
  const state = useLoad(() => api.app(name), [name]);
  const events = useAppEvents(name);
  // Changes arrive over the event stream; polling is the fallback while it is down.
  usePolling(state.reload, events.live ? null : 10_000);
  useEffect(() => {
    if (events.tick > 0) state.reload();
  }, [events.tick]);

  if (!state.data) {
    if (state.error instanceof ApiError && state.error.status === 404) return <AppNotFound name={name} />;
    if (state.error) return <ErrorMessage error={state.error} onRetry={state.reload} />;
    return <Loading label={`Loading ${name}`} />;
  }
  const app = state.data;
  const context: AppContext = { app, reloadApp: state.reload, changes: events };
  return (
    <section aria-labelledby="app-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link to="/apps">Apps</Link> <span aria-hidden="true">/</span> {app.team && <span className="muted">{app.team}</span>}
      </nav>
      <div className="page-head">
        <h1 id="app-title" className="mono-title">
          {app.name}
        </h1>
        <a className="button secondary" href={app.webUrl} target="_blank" rel="noreferrer">
          Open app
        </a>
      </div>
      <AppTabs />
      <ErrorMessage error={state.error} onRetry={state.reload} />
      <Outlet context={context} />
    </section>
  );
}

function AppNotFound({ name }: { name: string }) {
  return (
    <section className="empty card" aria-labelledby="app-nf">
      <h1 id="app-nf">App not found</h1>
      <p>
        There is no app named <strong className="mono">{name}</strong>, or you are not a member of its team.
      </p>
      <Link to="/apps">Back to your apps</Link>
    </section>
  );
}
