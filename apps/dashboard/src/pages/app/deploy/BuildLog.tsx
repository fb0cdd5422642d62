import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../../api/endpoints.ts';
import type { Build } from '@slipway/api-types';
import { useBuildStream } from '../../../hooks/useBuildStream.ts';
import { useAction } from '../../../hooks/useAction.ts';
import { ErrorMessage } from '../../../components/ErrorMessage.tsx';
import { BuildStatus, isActive } from './BuildStatus.tsx';

/** One build's output: live while it runs (following the end unless the reader scrolled up), then its outcome. */
export function BuildLog({ app, build, onChanged }: { app: string; build: Build; onChanged: () => void }) {
  const { lines, outcome, status } = useBuildStream(app, build.id);
  const box = useRef<HTMLPreElement>(null);
  const [follow, setFollow] = useState(true);
  const cancel = useAction(async () => {
    await api.cancelBuild(app, build.id);
    onChanged();
  });
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, follow]);
  useEffect(() => {
    if (outcome) onChanged();
  }, [outcome]);
  const running = !outcome && isActive(build.status);
  return (
    <section className="card stack" aria-labelledby="build-log-title">
      <div className="section-head">
        <h3 id="build-log-title">
          Build <span className="mono">{build.commitSha.slice(0, 7)}</span> <BuildStatus status={outcome?.status ?? build.status} />
        </h3>
        <div className="actions">
          {running && <span className="badge stream-live">{status === 'streaming' ? 'Live' : 'Connecting…'}</span>}
          {running && (
            <button type="button" className="secondary small" disabled={cancel.pending} onClick={() => void cancel.run()}>
              {cancel.pending ? 'Cancelling…' : 'Cancel build'}
            </button>
          )}
        </div>
      </div>
      <ErrorMessage error={cancel.error} />
      <pre
        ref={box}
        className="build-log"
        role="log"
        aria-label="Build output"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
        }}
      >
        {lines.length === 0 && status !== 'ended' ? 'Waiting for output…' : lines.join('\n')}
      </pre>
      {status === 'failed' && <p className="error-text">The build output stream closed; choose the build again to reload it.</p>}
      {outcome && <Outcome outcome={outcome} />}
    </section>
  );
}

function Outcome({ outcome }: { outcome: NonNullable<ReturnType<typeof useBuildStream>['outcome']> }) {
  if (outcome.status === 'succeeded') {
    return (
      <p className="outcome ok" role="status">
        Build succeeded{outcome.releaseVersion ? <> and was released as <Link to="../releases">v{outcome.releaseVersion}</Link></> : null}.
      </p>
    );
  }
  return (
    <p className="outcome failed" role="status">
      Build {outcome.status}
      {outcome.failure ? `: ${outcome.failure.replace(/\.$/, '')}.` : '.'} The previous release keeps serving.
    </p>
  );
}
