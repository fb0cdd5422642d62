import { useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { Addon } from '@slipway/api-types';
import { useLoad } from '../../../hooks/useLoad.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/**
 * Create a new add-on from the catalog, or attach one the team already has.
 * `attached` are the app's own add-ons, left out of the attach choices.
 */
export function AddAddonForm({ app, attached, onDone }: { app: string; attached: Addon[]; onDone: () => void }) {
  const id = useId();
  const plans = useLoad(() => api.addonPlans(), []);
  const existing = useLoad(() => api.teamAddons(), []);
  const [choice, setChoice] = useState('');
  const [alias, setAlias] = useState('');
  const attachable = (existing.data ?? []).filter((a) => a.state === 'available' && !attached.some((m) => m.id === a.id));
  const submit = useAction(async () => {
    const [kind, value] = [choice.slice(0, choice.indexOf(':')), choice.slice(choice.indexOf(':') + 1)];
    if (kind === 'plan') await api.createAddon(app, value, alias.trim() || undefined);
    else await api.attachAddon(app, value, alias.trim() || undefined);
    setChoice('');
    setAlias('');
    onDone();
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (choice) void submit.run();
  };
  return (
    <form className="stack add-addon" onSubmit={onSubmit} aria-label="Add an add-on">
      <div className="grid2">
        <div className="stack tight">
          <label htmlFor={`${id}-what`}>Add-on</label>
          <select id={`${id}-what`} value={choice} onChange={(e) => setChoice(e.target.value)} required>
            <option value="">Choose…</option>
            <optgroup label="Create new">
              {(plans.data ?? []).map((p) => (
                <option key={p.id} value={`plan:${p.id}`} title={p.description}>
                  {p.service} ({p.name})
                </option>
              ))}
            </optgroup>
            {attachable.length > 0 && (
              <optgroup label="Attach existing">
                {attachable.map((a) => (
                  <option key={a.id} value={`addon:${a.name}`}>
                    {a.name} ({a.service})
                  </option>
                ))}
              </optgroup>
            )}
          </select>
        </div>
        <div className="stack tight">
          <label htmlFor={`${id}-as`}>Attach as (optional)</label>
          <input id={`${id}-as`} className="mono" placeholder="DATABASE" value={alias} autoComplete="off" onChange={(e) => setAlias(e.target.value.toUpperCase())} />
          <small>Sets &lt;ALIAS&gt;_URL; the first of a kind defaults to DATABASE_URL or REDIS_URL.</small>
        </div>
      </div>
      <ErrorMessage error={submit.error ?? plans.error ?? existing.error} />
      <div className="actions">
        <button type="submit" disabled={!choice || submit.pending}>
          {submit.pending ? 'Working…' : choice.startsWith('addon:') ? 'Attach add-on' : 'Create add-on'}
        </button>
      </div>
    </form>
  );
}
