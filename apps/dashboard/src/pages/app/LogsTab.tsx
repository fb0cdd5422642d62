import { useEffect, useId, useRef, useState } from 'react';
import { useAppContext } from './useAppContext.ts';
import { useLogStream, type StreamStatus } from '../../hooks/useLogStream.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';

const statusText: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  failed: 'Disconnected',
};

/** Live tail of the app's log, filtered by process type, with pause and follow. */
export function LogsTab() {
  const { app } = useAppContext();
  const id = useId();
  const [type, setType] = useState('');
  const [paused, setPaused] = useState(false);
  const [follow, setFollow] = useState(true);
  const { lines, status, error } = useLogStream(app.name, type, paused);
  const box = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);

  return (
    <section className="card stack" aria-labelledby="logs-title">
      <div className="section-head">
        <h2 id="logs-title">Logs</h2>
        <span className={`badge stream-${paused ? 'paused' : status}`}>{paused ? 'Paused' : statusText[status]}</span>
      </div>
      <div className="toolbar">
        <label htmlFor={`${id}-t`}>Process</label>
        <select id={`${id}-t`} value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">All processes</option>
          {app.formation.map((f) => (
            <option key={f.type} value={f.type}>
              {f.type}
            </option>
          ))}
        </select>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />
          Follow
        </label>
        <button type="button" className="secondary small" onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <ErrorMessage error={error} />
      <ol className="log" role="log" aria-label="Log lines" ref={box} tabIndex={0}>
        {lines.length === 0 && <li className="muted">{paused ? 'Paused.' : 'Waiting for log lines…'}</li>}
        {lines.map((l) => (
          <li key={`${l.ts}|${l.instanceId}|${l.line}`} className={l.stream === 'stderr' ? 'stderr' : undefined}>
            <time dateTime={l.ts}>{l.ts.slice(11, 23)}</time> <span className="dyno">{l.dyno}</span> {l.line}
          </li>
        ))}
      </ol>
    </section>
  );
}
