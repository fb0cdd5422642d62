import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.ts';
import { useAction } from '../../hooks/useAction.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

const SCOPES = [
  { value: 'global', label: 'Full access' },
  { value: 'deploy', label: 'Deploy and read' },
  { value: 'read', label: 'Read only' },
];

export function CreateTokenForm({ onCreated }: { onCreated: (t: { description: string; token: string }) => void }) {
  const id = useId();
  const [description, setDescription] = useState('');
  const [scope, setScope] = useState('global');
  const create = useAction(async () => {
    const t = await api.createToken(description.trim(), [scope]);
    setDescription('');
    onCreated({ description: t.description, token: t.token });
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <form className="add-var" onSubmit={submit} aria-label="Create an API token">
      <div className="stack tight grow">
        <label htmlFor={`${id}-d`}>Description</label>
        <input id={`${id}-d`} required maxLength={200} placeholder="laptop CLI" value={description} onChange={(e) => setDescription(e.target.value)} />
      </div>
      <div className="stack tight">
        <label htmlFor={`${id}-s`}>Access</label>
        <select id={`${id}-s`} value={scope} onChange={(e) => setScope(e.target.value)}>
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={create.pending}>
        {create.pending ? 'Creating…' : 'Create token'}
      </button>
      <ErrorMessage error={create.error} />
    </form>
  );
}
