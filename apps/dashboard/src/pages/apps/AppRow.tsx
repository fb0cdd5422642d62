import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/endpoints.ts';
import type { AppListItem } from '@slipway/api-types';
import { timeAgo, fullTime } from '../../lib/time.ts';
import { TypedConfirm } from '../../components/TypedConfirm.tsx';

/** One app in the list, with its status from the list answer itself (no request per row). */
export function AppRow({ app, onDestroyed }: { app: AppListItem; onDestroyed: () => void }) {
  const [destroying, setDestroying] = useState(false);
  const release = app.currentRelease;
  const running = app.instances.running ?? 0;
  const crashed = app.instances.crashed ?? 0;
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
      <span data-label="Release">
        {release ? (
          <>
            <span className="badge">v{release.version}</span>{' '}
            <span className="muted small" title={fullTime(release.createdAt)}>
              {timeAgo(release.createdAt)}
            </span>
          </>
        ) : (
          <span className="muted">none yet</span>
        )}
      </span>
      <span data-label="Processes">
        <span aria-label={`${running} of ${app.processes} processes up`}>
          {running}/{app.processes} up
        </span>
        {crashed > 0 && <span className="badge state-crashed">{crashed} crashed</span>}
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
