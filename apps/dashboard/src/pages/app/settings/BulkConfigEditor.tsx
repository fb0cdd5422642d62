import { useId, useState } from 'react';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { formatDotenv, parseDotenv } from '../../../lib/dotenv.ts';
import { configChanges } from '../../../lib/config-diff.ts';

interface Props {
  current: Record<string, string>;
  onApply: (changes: Record<string, string | null>) => Promise<void>;
  onDone: () => void;
}

/** Paste `.env` text; keys missing from it are removed only when the box is ticked. */
export function BulkConfigEditor({ current, onApply, onDone }: Props) {
  const id = useId();
  const [text, setText] = useState(() => formatDotenv(current));
  const [removeMissing, setRemoveMissing] = useState(false);
  const parsed = parseDotenv(text);
  const changes = configChanges(current, parsed.vars, removeMissing);
  const count = Object.keys(changes).length;
  const save = useAction(async () => {
    await onApply(changes);
    onDone();
  });
  return (
    <div className="stack">
      <label htmlFor={`${id}-t`}>Paste or edit KEY=value lines</label>
      <textarea
        id={`${id}-t`}
        className="mono bulk"
        rows={Math.max(6, Math.min(20, text.split('\n').length + 1))}
        spellCheck={false}
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-describedby={`${id}-h`}
      />
      <p id={`${id}-h`} className="muted small">
        One KEY=value per line; quotes, <span className="mono">export</span> and # comments are understood.
      </p>
      {parsed.invalid.length > 0 && (
        <div className="error" role="alert">
          Lines that are not KEY=value: {parsed.invalid.map((l) => l.line).join(', ')}
        </div>
      )}
      <label className="check">
        <input type="checkbox" checked={removeMissing} onChange={(e) => setRemoveMissing(e.target.checked)} />
        Remove config vars that are not in the text
      </label>
      <ErrorMessage error={save.error} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
        <button type="button" disabled={count === 0 || parsed.invalid.length > 0 || save.pending} onClick={() => void save.run()}>
          {save.pending ? 'Saving…' : count === 0 ? 'No changes' : `Save ${count} change${count === 1 ? '' : 's'}`}
        </button>
      </div>
    </div>
  );
}
