import { BridgeLease } from '../../support/bridge-lease.ts';
import { ControlPlane } from './control-plane.ts';
import { waitFor } from './exec.ts';
import { buildTestImage, shipImage } from './images.ts';
import { TestNode } from './nodes.ts';

/**
 * Three worker nodes in their own network namespaces (a dockerd and an agent each) around
 * a control plane with one scheduler, the test image on every node. Holds the slw0 bridge
 * lease while it runs, so multi-node suites and benchmarks never share the namespaces.
 */
export class TestCluster {
  readonly nodes = [new TestNode('n1', 1), new TestNode('n2', 2), new TestNode('n3', 3)];
  readonly cp = new ControlPlane();
  private readonly bridge = new BridgeLease();

  async start(): Promise<void> {
    await this.bridge.acquire(300_000);
    await Promise.all(this.nodes.map((n) => n.create()));
    await buildTestImage();
    await Promise.all(this.nodes.map((n) => shipImage(n)));
    await this.cp.start();
    this.cp.startScheduler();
    for (const n of this.nodes) this.cp.startAgent(n);
    await waitFor('three ready nodes', async () => (await this.cp.db.node.count({ where: { status: 'ready' } })) === 3, 30_000);
  }

  /** `cleanup` runs before the nodes go, and only when this run owns them (holds the lease). */
  async stop(cleanup?: () => Promise<void>): Promise<void> {
    await this.cp.stop().catch((e) => console.error('control plane cleanup', e));
    if (!this.bridge.isHeld) return;
    await cleanup?.().catch((e) => console.error('cluster cleanup', e));
    await Promise.all(this.nodes.map((n) => n.destroy().catch((e) => console.error(`cleanup of ${n.name}`, e))));
    await this.bridge.release();
  }
}
