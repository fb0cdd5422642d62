import { viaRouter } from './user.ts';

/** A bounded request load through the router: a few clients back to back; every non-200 is a failure. */
export class Load {
  ok = 0;
  readonly failed: string[] = [];
  readonly marks = new Map<string, number>();
  private stopped = false;
  private running: Promise<void>[] = [];

  constructor(private readonly routerPort: number, private readonly app: string) {}

  start(clients: number, maxMs: number): void {
    const until = Date.now() + maxMs;
    this.running = Array.from({ length: clients }, async () => {
      while (!this.stopped && Date.now() < until) {
        try {
          const r = await viaRouter(this.routerPort, this.app);
          if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${r.body.slice(0, 200)}`);
          this.ok++;
          const mark = r.body.split(' ')[0]!;
          this.marks.set(mark, (this.marks.get(mark) ?? 0) + 1);
        } catch (err) {
          this.failed.push(String(err));
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }
}
