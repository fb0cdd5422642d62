import type { BuildStatus as Status } from '@slipway/api-types';

const labels: Record<Status, string> = { pending: 'queued', building: 'building', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' };

export const isActive = (status: string): boolean => status === 'pending' || status === 'building';

export function BuildStatus({ status }: { status: Status }) {
  return <span className={`badge build-${status}`}>{labels[status] ?? status}</span>;
}
