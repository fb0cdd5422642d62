import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { LoadView } from '../../components/LoadView.tsx';

const roleHelp: Record<string, string> = {
  owner: 'manages members and destroys apps',
  member: 'deploys and operates apps',
  viewer: 'reads only',
};

export function TeamsSection() {
  const teams = useLoad(() => api.teams(), []);
  return (
    <section className="card" aria-labelledby="teams-title">
      <h2 id="teams-title">Teams</h2>
      <LoadView state={teams} label="Loading teams">
        {(page) => (
          <ul className="plain list" aria-label="Your teams">
            {page.items.map((t) => (
              <li key={t.id} className="list-row">
                <span className="mono strong">{t.name}</span>
                <span>
                  <span className="badge">{t.role}</span> <span className="muted small">{roleHelp[t.role]}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </LoadView>
    </section>
  );
}
