import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/endpoints.ts';
import type { AppSummary } from '../../api/types.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { timeAgo, fullTime } from '../../lib/time.ts';
import { TypedConfirm } from '../../components/TypedConfirm.tsx';

/** One app in the list; the current release comes from the app's own endpoint. */
export function AppRow({ app, onDestroyed }: { app: AppSummary; onDestroyed: () => void }) {
  const info = useLoad(() => api.app(app.name), [app.name]);
  const [destroying, setDestroying] = useState(false);
  const release = info.data?.currentRelease;
  return (
    <li className="row">
      <span className="name">
        <Link to={`/apps/${app.name}`} className="strong">
          {app.name}
        </Link>
        <a className="url" href={app.webUrl} target="_blank" rel="noreferrer">
          {app.webUrl.replace(/^https?:\/\//, '').replace(/\/$/, '')}
        </a>
      </span>
      <span className="muted" data-label="Team">
        {app.team}
      </span>
      <span data-label="Release">{info.loading && !info.data ? '…' : release ? <span className="badge">v{release.version}</span> : <span className="muted">none yet</span>}</span>
      <span className="muted" data-label="Created" title={fullTime(app.createdAt)}>
        {timeAgo(app.createdAt)}
      </span>
      <span className="end">
        <button type="button" className="link danger-text" onClick={() => setDestroying(true)} aria-label={`Destroy ${app.name}`}>
          Destroy
        </button>
      </span>
      <TypedConfirm
        title={`Destroy ${app.name}`}
        expected={app.name}
        warning="This stops every process and deletes the app, its releases, config vars and domains. It cannot be undone."
        actionLabel="Destroy app"
        open={destroying}
        onClose={() => setDestroying(false)}
        onConfirm={async () => {
          await api.destroyApp(app.name);
          setDestroying(false);
          onDestroyed();
        }}
      />
    </li>
  );
}
