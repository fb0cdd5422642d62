import type { Release } from '@slipway/api-types';
import { diffKeys } from '../../../lib/config-diff.ts';
import { timeAgo, fullTime } from '../../../lib/time.ts';

interface Props {
  release: Release;
  current: boolean;
  keys: string[] | undefined;
  previousKeys: string[] | null | undefined;
  onRollback: () => void;
}

/** One release: version, status, description, config keys added/removed since the previous one, rollback. */
export function ReleaseRow({ release, current, keys, previousKeys, onRollback }: Props) {
  const diff = keys && previousKeys !== undefined ? diffKeys(previousKeys, keys) : null;
  return (
    <li className="release">
      <div className="release-main">
        <span className="badge">v{release.version}</span>
        <span className="desc">{release.description}</span>
        {current && <span className="badge ok">current</span>}
        {release.status !== 'succeeded' && <span className={`badge status-${release.status}`}>{release.status}</span>}
      </div>
      {diff && (diff.added.length > 0 || diff.removed.length > 0) && (
        <p className="diff" aria-label="Config var changes">
          {diff.added.map((k) => (
            <span key={`+${k}`} className="added mono">
              +{k}
            </span>
          ))}
          {diff.removed.map((k) => (
            <span key={`-${k}`} className="removed mono">
              −{k}
            </span>
          ))}
        </p>
      )}
      {release.failure && <p className="error-text">{release.failure}</p>}
      <div className="release-side">
        <span className="muted" title={fullTime(release.createdAt)}>
          {timeAgo(release.createdAt)}
        </span>
        {!current && release.status === 'succeeded' && (
          <button type="button" className="secondary small" onClick={onRollback}>
            Roll back to v{release.version}
          </button>
        )}
      </div>
    </li>
  );
}
