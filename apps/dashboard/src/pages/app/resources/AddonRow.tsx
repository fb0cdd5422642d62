import { useState } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { Addon } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { TypedConfirm } from '../../../components/TypedConfirm.tsx';

const progress: Record<string, string> = { provisioning: 'Creating… this takes a few seconds', deprovisioning: 'Destroying…' };

/** One add-on of the app: state (with the reason of a failure), the vars it sets here, detach and destroy. */
export function AddonRow({ app, addon, onChanged }: { app: string; addon: Addon; onChanged: () => void }) {
  const [destroying, setDestroying] = useState(false);
  const mine = addon.attachments.find((a) => a.app === app);
  const detach = useAction(async () => {
    await api.detachAddon(app, addon.name);
    onChanged();
  });
  return (
    <li className="list-row addon-row" aria-label={`Add-on ${addon.name}`}>
      <span>
        <span className="mono strong">{addon.name}</span> <span className="muted">{addon.service}:{addon.plan}</span>{' '}
        <span className={`badge addon-${addon.state}`}>{addon.state}</span>
      </span>
      {progress[addon.state] && (
        <span className="muted small" role="status">
          <progress aria-label={`${addon.name} ${addon.state}`} /> {progress[addon.state]}
        </span>
      )}
      {addon.state === 'failed' && addon.failure && <span className="error-text small">{addon.failure}</span>}
      {mine && (
        <span className="small">
          Sets{' '}
          {mine.configVars.map((v, i) => (
            <span key={v}>
              {i ? ', ' : ''}
              <code>{v}</code>
            </span>
          ))}
        </span>
      )}
      {addon.attachments.length > 1 && (
        <span className="muted small">Also attached to {addon.attachments.filter((a) => a.app !== app).map((a) => a.app).join(', ')}</span>
      )}
      <span className="actions">
        {mine && (
          <button type="button" className="secondary small" disabled={detach.pending} onClick={() => void detach.run()} aria-label={`Detach ${addon.name}`}>
            {detach.pending ? 'Detaching…' : 'Detach'}
          </button>
        )}
        <button type="button" className="link danger-text" onClick={() => setDestroying(true)} aria-label={`Destroy ${addon.name}`}>
          Destroy
        </button>
      </span>
      <ErrorMessage error={detach.error} />
      <TypedConfirm
        title={`Destroy ${addon.name}`}
        expected={addon.name}
        warning="This detaches the add-on from every app (each gets a new release without its vars) and deletes all of its data. It cannot be undone."
        actionLabel="Destroy add-on"
        open={destroying}
        onClose={() => setDestroying(false)}
        onConfirm={async () => {
          await api.destroyAddon(addon.name);
          setDestroying(false);
          onChanged();
        }}
      />
    </li>
  );
}
