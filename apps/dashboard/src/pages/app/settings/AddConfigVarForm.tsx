import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';

/** KEY and value inputs; adding an existing key replaces its value. */
export function AddConfigVarForm({ existing, onApply }: { existing: Record<string, string>; onApply: (c: Record<string, string>) => Promise<void> }) {
  const id = useId();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = useAction(async () => {
    await onApply({ [key.trim()]: value });
    setKey('');
    setValue('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add.run();
  };
  const replaces = Object.hasOwn(existing, key.trim());
  return (
    <form className="add-var" onSubmit={submit} aria-label="Add a config var">
      <div className="stack tight">
        <label htmlFor={`${id}-k`}>Key</label>
        <input id={`${id}-k`} className="mono" placeholder="KEY" required autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} />
      </div>
      <div className="stack tight grow">
        <label htmlFor={`${id}-v`}>Value</label>
        <input id={`${id}-v`} className="mono" placeholder="value" autoComplete="off" spellCheck={false} value={value} onChange={(e) => setValue(e.target.value)} />
      </div>
      <button type="submit" disabled={add.pending || !key.trim()}>
        {add.pending ? 'Saving…' : replaces ? 'Replace' : 'Add'}
      </button>
      <ErrorMessage error={add.error} />
    </form>
  );
}
