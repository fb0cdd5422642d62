import { useId, useState, type FormEvent } from 'react';
import { Dialog } from './Dialog.tsx';
import { ErrorMessage } from './ErrorMessage.tsx';
import { useAction } from '../hooks/useAction.ts';

interface Props {
  title: string;
  /** What the user must type to enable the button (the app name). */
  expected: string;
  warning: string;
  actionLabel: string;
  open: boolean;
  onClose: () => void;
  onConfirm: () => Promise<unknown>;
}

/** A destructive action that needs its target's name typed first, like Heroku's. */
export function TypedConfirm({ title, expected, warning, actionLabel, open, onClose, onConfirm }: Props) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const action = useAction(onConfirm);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (typed === expected) void action.run();
  };
  const close = () => {
    setTyped('');
    action.clearError();
    onClose();
  };
  return (
    <Dialog title={title} open={open} onClose={close}>
      <form onSubmit={submit} className="stack">
        <p className="warning">{warning}</p>
        <label htmlFor={id}>
          Type <strong className="mono">{expected}</strong> to confirm
        </label>
        <input id={id} className="mono" autoComplete="off" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} />
        <ErrorMessage error={action.error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={close}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={typed !== expected || action.pending}>
            {action.pending ? 'Working…' : actionLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
