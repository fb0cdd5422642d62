import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

interface Props {
  name: string;
  value: string;
  revealed: boolean;
  onApply: (changes: Record<string, string | null>) => Promise<void>;
}

/** One config var: masked or shown, edited in place, removed. */
export function ConfigVarRow({ name, value, revealed, onApply }: Props) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const save = useAction(async () => {
    await onApply({ [name]: draft });
    setEditing(false);
  });
  const remove = useAction(() => onApply({ [name]: null }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };

  return (
    <li className="config-var">
      <span className="key mono" id={`${id}-k`}>
        {name}
      </span>
      {editing ? (
        <form className="edit" onSubmit={submit}>
          <label htmlFor={`${id}-v`} className="sr-only">
            Value of {name}
          </label>
          <textarea id={`${id}-v`} className="mono" rows={Math.min(6, draft.split('\n').length)} autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} />
          <div className="actions">
            <button type="button" className="secondary small" onClick={() => setEditing(false)}>
              Cancel
            </button>
            <button type="submit" className="small" disabled={save.pending}>
              {save.pending ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      ) : (
        <span className={`value mono${revealed ? '' : ' masked'}`} aria-labelledby={`${id}-k`}>
          {revealed ? value || <em className="muted">(empty)</em> : '••••••••'}
        </span>
      )}
      {!editing && (
        <span className="row-actions">
          <button type="button" className="link" onClick={() => { setDraft(value); setEditing(true); }} aria-label={`Edit ${name}`}>
            Edit
          </button>
          <button type="button" className="link danger-text" disabled={remove.pending} onClick={() => void remove.run()} aria-label={`Remove ${name}`}>
            {remove.pending ? 'Removing…' : 'Remove'}
          </button>
        </span>
      )}
      <ErrorMessage error={save.error ?? remove.error} />
    </li>
  );
}
