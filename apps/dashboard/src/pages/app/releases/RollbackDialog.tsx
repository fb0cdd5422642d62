import { api } from '../../../api/endpoints.ts';
import type { Release } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { Dialog } from '../../../components/Dialog.tsx';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** Confirms a rollback: a new release with the chosen release's image and config vars. */
export function RollbackDialog({ app, release, onClose, onDone }: { app: string; release: Release | null; onClose: () => void; onDone: () => void }) {
  const rollback = useAction(async (version: number) => {
    await api.rollback(app, version);
    onDone();
  });
  const close = () => {
    rollback.clearError();
    onClose();
  };
  return (
    <Dialog title={release ? `Roll back to v${release.version}` : 'Roll back'} open={release !== null} onClose={close}>
      {release && (
        <div className="stack">
          <p>
            This creates a new release with the code and config vars of <strong>v{release.version}</strong> ({release.description}). Config vars set
            since then are replaced.
          </p>
          <ErrorMessage error={rollback.error} />
          <div className="actions">
            <button type="button" className="secondary" onClick={close}>
              Cancel
            </button>
            <button type="button" autoFocus disabled={rollback.pending} onClick={() => void rollback.run(release.version)}>
              {rollback.pending ? 'Rolling back…' : 'Roll back'}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
