import { api } from '../../api/endpoints.ts';
import { usePaged } from '../../hooks/usePaged.ts';
import { LoadView } from '../../components/LoadView.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { EventRow } from '../../components/EventRow.tsx';
import { useAppContext } from './useAppContext.ts';

export function ActivityTab() {
  const { app } = useAppContext();
  const events = usePaged((cursor) => api.appEvents(app.name, cursor), [app.name, app.updatedAt, app.currentRelease?.version]);
  return (
    <section className="card" aria-labelledby="act-title">
      <h2 id="act-title">Activity</h2>
      <LoadView state={events.state} label="Loading activity">
        {(items) =>
          items.length === 0 ? (
            <p className="muted">No activity yet.</p>
          ) : (
            <ol className="events" aria-label="Activity, newest first">
              {items.map((e) => (
                <EventRow key={e.id} event={e} />
              ))}
            </ol>
          )
        }
      </LoadView>
      <ErrorMessage error={events.error} />
      {events.hasMore && (
        <button type="button" className="secondary" disabled={events.pending} onClick={() => void events.loadMore()}>
          {events.pending ? 'Loading…' : 'Show older activity'}
        </button>
      )}
    </section>
  );
}
