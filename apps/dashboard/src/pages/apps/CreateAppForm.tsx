import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { useAction } from '../../hooks/useAction.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

/** Name and team of a new app; on success the app's page opens. */
export function CreateAppForm({ onCancel }: { onCancel: () => void }) {
  const navigate = useNavigate();
  const teams = useLoad(() => api.teams(), []);
  const writable = (teams.data?.items ?? []).filter((t) => t.role !== 'viewer');
  const [name, setName] = useState('');
  const [team, setTeam] = useState('');
  const create = useAction(async () => {
    const app = await api.createApp(name.trim(), team || undefined);
    navigate(`/apps/${app.name}`);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <form className="card stack create-app" onSubmit={submit} aria-labelledby="create-title">
      <h2 id="create-title">Create a new app</h2>
      <div className="grid2">
        <div className="stack tight">
          <label htmlFor="app-name">App name</label>
          <input
            id="app-name"
            className="mono"
            required
            autoFocus
            autoComplete="off"
            spellCheck={false}
            value={name}
            onChange={(e) => setName(e.target.value.toLowerCase())}
          />
          <small>3–30 lowercase letters, digits and dashes, starting with a letter. It becomes part of the app's URL.</small>
        </div>
        <div className="stack tight">
          <label htmlFor="app-team">Team</label>
          <select id="app-team" value={team} onChange={(e) => setTeam(e.target.value)}>
            <option value="">{writable[0] ? `${writable[0].name} (default)` : 'Default team'}</option>
            {writable.slice(1).map((t) => (
              <option key={t.id} value={t.name}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorMessage error={create.error ?? teams.error} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={create.pending}>
          {create.pending ? 'Creating…' : 'Create app'}
        </button>
      </div>
    </form>
  );
}
