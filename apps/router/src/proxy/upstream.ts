import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';

/** Turns the backend's status and headers into the client response's headers (called once, before any body byte). */
export type ResponseHead = (statusCode: number, headers: IncomingHttpHeaders) => OutgoingHttpHeaders;

/**
 * One attempt at a backend, as an undici dispatch handler writing straight into
 * the client response: no AbortController, stream wrapper or listener set per
 * request. `done` settles when the backend's response has ended (or failed);
 * `cancel` aborts it, also before undici has handed it a connection.
 */
export class UpstreamExchange implements Dispatcher.DispatchHandler {
  readonly done: Promise<void>;
  private controller: Dispatcher.DispatchController | undefined;
  private cancelled: Error | undefined;
  private settled = false;
  private resolve!: () => void;
  private reject!: (err: Error) => void;

  constructor(
    private readonly res: ServerResponse,
    private readonly head: ResponseHead,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  cancel(reason: Error): void {
    if (this.settled || this.cancelled) return;
    this.cancelled = reason;
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.cancelled) controller.abort(this.cancelled);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200) return; // 1xx: informational, the final answer follows
    this.res.writeHead(statusCode, this.head(statusCode, headers));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk)) return;
    // The client reads slower than the backend sends: stop reading the backend until it drains.
    controller.pause();
    this.res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.settled = true;
    this.res.end();
    this.resolve();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(err);
  }
}
