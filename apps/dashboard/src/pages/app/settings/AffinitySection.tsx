import { useId } from 'react';
import { api } from '../../../api/endpoints.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** Session affinity: the routers pin a client to one instance with a signed cookie. */
export function AffinitySection({ app, enabled, onSaved }: { app: string; enabled: boolean; onSaved: () => void }) {
  const id = useId();
  const toggle = useAction(async (on: boolean) => {
    await api.updateApp(app, { sessionAffinity: on });
    onSaved();
  });
  return (
    <section className="card stack" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Session affinity</h2>
      <label className="switch" htmlFor={id}>
        <input id={id} type="checkbox" role="switch" checked={enabled} disabled={toggle.pending} onChange={(e) => void toggle.run(e.target.checked)} />
        <span>Send each client's requests to the same instance</span>
      </label>
      <p className="muted small">For apps that keep sessions in memory. Requests spread evenly when it is off; a restarted instance's clients move to another.</p>
      <ErrorMessage error={toggle.error} />
    </section>
  );
}
