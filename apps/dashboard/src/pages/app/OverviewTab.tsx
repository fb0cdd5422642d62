import { Link } from 'react-router';
import { useAppContext } from './useAppContext.ts';
import { timeAgo, fullTime } from '../../lib/time.ts';
import { InstanceStates } from '../../components/InstanceStates.tsx';

export function OverviewTab() {
  const { app } = useAppContext();
  const release = app.currentRelease;
  return (
    <div className="cards">
      <section className="card" aria-labelledby="ov-release">
        <h2 id="ov-release">Current release</h2>
        {release ? (
          <p>
            <span className="badge">v{release.version}</span> {release.description}{' '}
            <span className="muted" title={fullTime(release.createdAt)}>
              {timeAgo(release.createdAt)}
            </span>
          </p>
        ) : (
          <p className="muted">
            Nothing deployed yet. <Link to="deploy">Deploy with git</Link>.
          </p>
        )}
      </section>
      <section className="card" aria-labelledby="ov-urls">
        <h2 id="ov-urls">URLs</h2>
        <ul className="plain">
          <li>
            <a href={app.webUrl} target="_blank" rel="noreferrer">
              {app.webUrl}
            </a>
          </li>
          {app.domains.map((d) => (
            <li key={d}>
              <a href={`http://${d}/`} target="_blank" rel="noreferrer">
                {d}
              </a>
            </li>
          ))}
        </ul>
        <p className="muted small">
          Git: <span className="mono">{app.gitUrl}</span>
        </p>
      </section>
      <section className="card" aria-labelledby="ov-formation">
        <h2 id="ov-formation">Processes</h2>
        {app.formation.length === 0 ? (
          <p className="muted">No process types yet.</p>
        ) : (
          <ul className="plain">
            {app.formation.map((f) => (
              <li key={f.type}>
                <span className="mono strong">{f.type}</span> × {f.quantity} <span className="muted">({f.size})</span>
              </li>
            ))}
          </ul>
        )}
        <InstanceStates instances={app.instances} />
        <Link to="resources">Scale processes</Link>
      </section>
    </div>
  );
}
