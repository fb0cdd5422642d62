import { useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/endpoints.ts';
import { useLoad } from '../../../hooks/useLoad.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { LoadView } from '../../../components/LoadView.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** The default URL plus custom domains, added and removed. */
export function DomainsSection({ app, defaultUrl, canEdit, onChanged }: { app: string; defaultUrl: string; canEdit: boolean; onChanged: () => void }) {
  const id = useId();
  const domains = useLoad(() => api.domains(app), [app]);
  const [hostname, setHostname] = useState('');
  const add = useAction(async () => {
    await api.addDomain(app, hostname.trim());
    setHostname('');
    domains.reload();
    onChanged();
  });
  const remove = useAction(async (h: string) => {
    await api.removeDomain(app, h);
    domains.reload();
    onChanged();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add.run();
  };
  return (
    <section className="card stack" aria-labelledby="dom-title">
      <h2 id="dom-title">Domains</h2>
      <p className="muted small">
        Your app is always at <a href={defaultUrl}>{defaultUrl}</a>. Point a custom domain's DNS (CNAME or A record) at the platform's router, then add it here.
      </p>
      <LoadView state={domains} label="Loading domains">
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">No custom domains.</p>
          ) : (
            <ul className="plain list" aria-label="Custom domains">
              {rows.map((d) => (
                <li key={d.id} className="list-row">
                  <span className="mono">{d.hostname}</span>
                  {canEdit && <button type="button" className="link danger-text" disabled={remove.pending} onClick={() => void remove.run(d.hostname)} aria-label={`Remove ${d.hostname}`}>
                    Remove
                  </button>}
                </li>
              ))}
            </ul>
          )
        }
      </LoadView>
      <ErrorMessage error={remove.error} />
      {canEdit && <form className="inline-form" onSubmit={submit}>
        <label htmlFor={id}>Add a domain</label>
        <div className="copy-row">
          <input id={id} className="mono" placeholder="www.example.com" required autoComplete="off" spellCheck={false} value={hostname} onChange={(e) => setHostname(e.target.value)} />
          <button type="submit" disabled={add.pending}>
            {add.pending ? 'Adding…' : 'Add domain'}
          </button>
        </div>
      </form>}
      <ErrorMessage error={add.error} />
    </section>
  );
}
