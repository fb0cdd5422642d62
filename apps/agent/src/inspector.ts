import type { ContainerInspectInfo } from 'dockerode';

/**
 * Container inspection for the heartbeat, bounded in time. Docker's inspect waits for the
 * container's lock, which a create or start in progress holds (for seconds on a busy engine),
 * and answers 404 for a container it lists while still creating it. A heartbeat that waited for
 * either fell silent past the control plane's heartbeat timeout while nothing was wrong, and the
 * node was marked down. A container not inspected in time is left out of this heartbeat's report
 * (the control plane leaves its instance as it was) and asked about again at the next one,
 * reusing the request still in flight rather than piling up another.
 */
export class Inspector {
  private readonly inFlight = new Map<string, Promise<ContainerInspectInfo | null>>();

  constructor(private readonly inspect: (containerId: string) => Promise<ContainerInspectInfo>, private readonly timeoutMs: number) {}

  /** The container's state, or null when it is not (yet) known or Docker did not answer in time; other errors throw. */
  async get(containerId: string): Promise<ContainerInspectInfo | null> {
    let pending = this.inFlight.get(containerId);
    if (!pending) {
      pending = this.inspect(containerId)
        .catch((err: unknown) => {
          if ((err as { statusCode?: number }).statusCode === 404) return null;
          throw err;
        })
        .finally(() => this.inFlight.delete(containerId));
      this.inFlight.set(containerId, pending);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([pending, new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), this.timeoutMs); })]);
    } finally {
      clearTimeout(timer);
    }
  }
}
