import type { AuditEvent } from '@slipway/api-types';
import { describeEvent } from '../lib/events.ts';
import { timeAgo, fullTime } from '../lib/time.ts';

/** One audit event: who did what, and when. */
export function EventRow({ event }: { event: AuditEvent }) {
  return (
    <li className="event">
      <span>
        <strong>{event.actor ?? 'system'}</strong> {describeEvent(event)}
      </span>
      <span className="muted small" title={`${fullTime(event.createdAt)}${event.sourceIp ? ` from ${event.sourceIp}` : ''}`}>
        {timeAgo(event.createdAt)}
      </span>
    </li>
  );
}
