import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../../api/endpoints.ts';
import { TypedConfirm } from '../../../components/TypedConfirm.tsx';

export function DangerZone({ app }: { app: string }) {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  return (
    <section className="card danger-zone stack" aria-labelledby="dz-title">
      <h2 id="dz-title">Destroy app</h2>
      <p>Stops every process and deletes the app with its releases, config vars and domains. This cannot be undone.</p>
      <div>
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          Destroy app…
        </button>
      </div>
      <TypedConfirm
        title={`Destroy ${app}`}
        expected={app}
        warning="This stops every process and deletes the app, its releases, config vars and domains. It cannot be undone."
        actionLabel="Destroy app"
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          await api.destroyApp(app);
          navigate('/apps', { replace: true });
        }}
      />
    </section>
  );
}
