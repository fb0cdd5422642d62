import { useState } from 'react';
import { api } from '../../api/endpoints.ts';
import { useLoad } from '../../hooks/useLoad.ts';
import { useAction } from '../../hooks/useAction.ts';
import { LoadView } from '../../components/LoadView.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { CopyField } from '../../components/CopyField.tsx';
import { timeAgo, fullTime } from '../../lib/time.ts';
import { CreateTokenForm } from './CreateTokenForm.tsx';

/** API tokens: listed by prefix, created (the secret shown once), revoked. */
export function TokensSection() {
  const tokens = useLoad(() => api.tokens(), []);
  const [fresh, setFresh] = useState<{ description: string; token: string } | null>(null);
  const revoke = useAction(async (id: string) => {
    await api.revokeToken(id);
    tokens.reload();
  });
  return (
    <section className="card stack" aria-labelledby="tok-title">
      <h2 id="tok-title">API tokens</h2>
      <p className="muted small">Tokens let the CLI, git and scripts act as you. Use them as the password when git asks.</p>
      {fresh && (
        <div className="fresh-token stack" role="status">
          <strong>Copy your new token now: it will not be shown again.</strong>
          <CopyField label={`Token "${fresh.description}"`} value={fresh.token} />
          <div>
            <button type="button" className="secondary small" onClick={() => setFresh(null)}>
              I have copied it
            </button>
          </div>
        </div>
      )}
      <LoadView state={tokens} label="Loading tokens">
        {(page) =>
          page.items.length === 0 ? (
            <p className="muted">No API tokens.</p>
          ) : (
            <ul className="plain list" aria-label="Your API tokens">
              {page.items.map((t) => (
                <li key={t.id} className="list-row">
                  <span>
                    <span className="strong">{t.description}</span> <span className="mono muted">{t.prefix}…</span>{' '}
                    {t.scopes.map((s) => (
                      <span key={s} className="badge">
                        {s}
                      </span>
                    ))}
                  </span>
                  <span className="muted small" title={t.lastUsedAt ? fullTime(t.lastUsedAt) : undefined}>
                    {t.lastUsedAt ? `used ${timeAgo(t.lastUsedAt)}` : 'never used'}
                    {t.expiresAt ? ` · expires ${timeAgo(t.expiresAt)}` : ''}
                  </span>
                  <button type="button" className="link danger-text" disabled={revoke.pending} onClick={() => void revoke.run(t.id)} aria-label={`Revoke token ${t.description}`}>
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </LoadView>
      <ErrorMessage error={revoke.error} />
      <CreateTokenForm
        onCreated={(created) => {
          setFresh(created);
          tokens.reload();
        }}
      />
    </section>
  );
}
