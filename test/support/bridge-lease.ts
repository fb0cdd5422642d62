import { createBridge, deleteBridge } from '../cluster/harness/nodes.ts';
import { waitFor } from '../cluster/harness/exec.ts';

/**
 * The node namespaces of every multi-node suite hang off one bridge (slw0, 10.231.0.1/24),
 * so only one such suite can run on a machine at a time. Creating the bridge is atomic,
 * which makes it the lock: wait until it can be created, and delete it only if we did.
 */
export class BridgeLease {
  private held = false;

  async acquire(timeoutMs: number): Promise<void> {
    await waitFor('the slw0 bridge (another multi-node suite is using it)', () => createBridge().then(() => true, () => false), timeoutMs, 2_000);
    this.held = true;
  }

  get isHeld(): boolean {
    return this.held;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    await deleteBridge();
    this.held = false;
  }
}
