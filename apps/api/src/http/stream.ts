import type { Request, Response } from 'express';

/**
 * Opens a long-lived streaming response. Returns a writer and a promise that
 * settles when the client goes away, so handlers can release subscriptions.
 * A comment line every 15 s keeps proxies from closing an idle stream.
 */
export function openStream(req: Request, res: Response, type: 'text/event-stream' | 'application/x-ndjson') {
  res.status(200).set({ 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  const keepAlive = setInterval(() => res.write(type === 'text/event-stream' ? ': keep-alive\n\n' : '\n'), 15_000);
  const closed = new Promise<void>((resolve) => {
    req.on('close', resolve);
    res.on('close', resolve);
  });
  void closed.then(() => clearInterval(keepAlive));
  return {
    closed,
    send(value: unknown, event?: string): void {
      if (res.writableEnded) return;
      if (type === 'application/x-ndjson') res.write(`${JSON.stringify(value)}\n`);
      else res.write(`${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(value)}\n\n`);
    },
    end(): void {
      clearInterval(keepAlive);
      if (!res.writableEnded) res.end();
    },
  };
}
