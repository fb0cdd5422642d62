import type { Redis } from 'ioredis';
import type { Logger } from '@slipway/core';

type Listener = (message: string) => void;

/** How the shared subscriber shows in Redis's CLIENT LIST. */
export const HUB_CONNECTION_NAME = 'slipway-api-streams';

interface Channel {
  listeners: Set<Listener>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/**
 * One Redis subscriber connection per API process, shared by every live stream (log
 * tails, app events, one-off runs), instead of a connection per open stream. A channel
 * is subscribed while anyone listens to it. Commands on the one connection run in order,
 * so an UNSUBSCRIBE followed by a new SUBSCRIBE of the same channel ends subscribed.
 */
export class ChannelHub {
  private sub: Redis | null = null;
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly redis: Redis, private readonly log: Logger) {}

  /**
   * Calls `onMessage` with each message published on `channel` from the moment the returned
   * promise resolves (so a caller that waits for it misses nothing published afterwards).
   * Resolves to the function that stops listening.
   */
  async listen(channel: string, onMessage: Listener): Promise<() => Promise<void>> {
    let entry = this.channels.get(channel);
    if (entry === undefined) {
      entry = { listeners: new Set(), subscribed: this.connection().subscribe(channel) };
      this.channels.set(channel, entry);
    }
    entry.listeners.add(onMessage);
    await entry.subscribed;
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      entry.listeners.delete(onMessage);
      if (entry.listeners.size > 0 || this.channels.get(channel) !== entry) return;
      this.channels.delete(channel);
      await this.sub?.unsubscribe(channel).catch((err: Error) => this.log.warn({ err: err.message, channel }, 'unsubscribe failed'));
    };
  }

  /** Channels with at least one listener (for tests and diagnostics). */
  get size(): number {
    return this.channels.size;
  }

  close(): void {
    this.sub?.disconnect();
    this.sub = null;
    this.channels.clear();
  }

  private connection(): Redis {
    if (this.sub) return this.sub;
    const sub = this.redis.duplicate({ connectionName: HUB_CONNECTION_NAME });
    sub.on('error', (err: Error) => this.log.warn({ err: err.message }, 'shared subscriber error'));
    sub.on('message', (channel: string, message: string) => {
      for (const listener of this.channels.get(channel)?.listeners ?? []) listener(message);
    });
    this.sub = sub;
    return sub;
  }
}
