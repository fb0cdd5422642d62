import { useId, useState, type FormEvent } from 'react';
import { api } from '../../../api/endpoints.ts';
import type { FormationEntry, ProcessSize } from '@slipway/api-types';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { MAX_QUANTITY, SIZES } from './sizes.ts';

interface Props {
  app: string;
  entry: FormationEntry;
  onSaved: (formation: FormationEntry[]) => void;
}

/** Quantity stepper and size select for one process type; nothing changes until Save. */
export function FormationRow({ app, entry, onSaved }: Props) {
  const id = useId();
  const [quantity, setQuantity] = useState(entry.quantity);
  const [size, setSize] = useState(entry.size);
  const dirty = quantity !== entry.quantity || size !== entry.size;
  const [saved, setSaved] = useState(false);
  const save = useAction(async () => {
    const change: { quantity?: number; size?: ProcessSize } = {};
    if (quantity !== entry.quantity) change.quantity = quantity;
    if (size !== entry.size) change.size = size as ProcessSize;
    onSaved(await api.scale(app, entry.type, change));
    setSaved(true);
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  const clamp = (n: number) => Math.max(0, Math.min(MAX_QUANTITY, Number.isFinite(n) ? Math.round(n) : 0));
  return (
    <li>
      <form className="formation-row" onSubmit={submit} aria-label={`Scale ${entry.type}`}>
        <span className="mono strong type">{entry.type}</span>
        <div className="stepper">
          <button type="button" className="secondary small" aria-label={`Fewer ${entry.type} instances`} onClick={() => setQuantity((q) => clamp(q - 1))} disabled={quantity <= 0}>
            −
          </button>
          <label htmlFor={`${id}-q`} className="sr-only">
            {entry.type} instances
          </label>
          <input id={`${id}-q`} type="number" inputMode="numeric" min={0} max={MAX_QUANTITY} value={quantity} onChange={(e) => setQuantity(clamp(e.target.valueAsNumber))} />
          <button type="button" className="secondary small" aria-label={`More ${entry.type} instances`} onClick={() => setQuantity((q) => clamp(q + 1))} disabled={quantity >= MAX_QUANTITY}>
            +
          </button>
        </div>
        <label htmlFor={`${id}-s`} className="sr-only">
          {entry.type} size
        </label>
        <select id={`${id}-s`} value={size} onChange={(e) => setSize(e.target.value)}>
          {SIZES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
          {!SIZES.some((s) => s.value === entry.size) && <option value={entry.size}>{entry.size}</option>}
        </select>
        <div className="row-actions">
          <span role="status" className="muted small">
            {saved && !dirty ? 'Saved' : ''}
          </span>
          {dirty && (
            <button type="button" className="link" onClick={() => { setQuantity(entry.quantity); setSize(entry.size); }}>
              Reset
            </button>
          )}
          <button type="submit" className="small" disabled={!dirty || save.pending}>
            {save.pending ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
      <ErrorMessage error={save.error} />
    </li>
  );
}
