import type { Build } from '@slipway/api-types';
import { timeAgo, fullTime } from '../../../lib/time.ts';
import { shortDuration } from '../../../lib/duration.ts';
import { BuildStatus } from './BuildStatus.tsx';

const duration = (b: Build): string => {
  if (!b.startedAt) return '—';
  const end = b.finishedAt ? new Date(b.finishedAt).getTime() : Date.now();
  return shortDuration(Math.max(0, Math.round((end - new Date(b.startedAt).getTime()) / 1000)));
};

/** Builds, newest first; choosing one shows its log. */
export function BuildHistory({ builds, selected, onSelect }: { builds: Build[]; selected: string | null; onSelect: (id: string) => void }) {
  return (
    <ul className="plain list" aria-label="Builds">
      {builds.map((b) => (
        <li key={b.id} className={`list-row build-row${b.id === selected ? ' selected' : ''}`}>
          <span>
            <BuildStatus status={b.status} /> <span className="mono strong">{b.commitSha.slice(0, 7)}</span> <span className="muted">on {b.branch}</span>
            {b.releaseVersion !== null && <span className="badge">v{b.releaseVersion}</span>}
          </span>
          <span className="muted small">
            <span title={fullTime(b.createdAt)}>{timeAgo(b.createdAt)}</span> · {duration(b)}
          </span>
          <button type="button" className="link" aria-pressed={b.id === selected} onClick={() => onSelect(b.id)} aria-label={`Show log of build ${b.commitSha.slice(0, 7)}`}>
            {b.id === selected ? 'Showing log' : 'View log'}
          </button>
        </li>
      ))}
    </ul>
  );
}
