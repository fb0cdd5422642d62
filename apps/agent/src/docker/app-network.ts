import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { LABEL } from './labels.ts';
import { freeSubnet } from './subnets.ts';

/**
 * Each app's containers on a node (instances and one-offs) join a Docker bridge network of the
 * app's own, so an app reaches another only the way an outsider does: through the router.
 * Docker drops traffic between its bridge networks; `enable_icc=false` also keeps an app's own
 * containers apart (as on Heroku's Common Runtime, where dynos do not reach each other directly).
 * The firewall (../firewall.ts) closes the rest: published ports reached from app networks.
 */

/** Interface names of app bridges start with this (the firewall matches `slwapp+`). */
export const APP_BRIDGE_PREFIX = 'slwapp';

export const appNetworkName = (appId: string): string => `slw-app-${appId}`;

/**
 * The bridge's interface name is fixed per app (15 characters, the kernel's limit): Docker
 * refuses a second network with the same bridge name, so concurrent creations cannot make twins,
 * which its check of network names alone lets through.
 */
export const appBridgeName = (appId: string): string => APP_BRIDGE_PREFIX + createHash('sha256').update(appId).digest('hex').slice(0, 9);

const statusOf = (err: unknown): number | undefined => (err as { statusCode?: number }).statusCode;

/** Where app networks' subnets come from (APP_NETWORK_POOL, APP_NETWORK_PREFIX in the agent's config). */
export interface SubnetPool { pool: string; prefix: number }
export const DEFAULT_SUBNETS: SubnetPool = { pool: '172.20.0.0/14', prefix: 24 };

/** The node's app networks: made on an app's first container, removed after its last. */
export class AppNetworks {
  /** Per app, the tail of its queue: a container start never overlaps its network's removal. */
  private readonly queues = new Map<string, Promise<void>>();
  private pruning: Promise<string[]> | null = null;
  private prunePending = false;

  constructor(private readonly docker: Docker, private readonly subnets: SubnetPool = DEFAULT_SUBNETS) {}

  /**
   * Runs `op` with the app's network in place (made if missing; idempotent), serialized per app
   * with the network's removal: a container `op` creates on it keeps it from then on.
   */
  using<T>(appId: string, appName: string, op: (network: string) => Promise<T>): Promise<T> {
    return this.serial(appId, async () => {
      await this.ensure(appId, appName);
      return op(appNetworkName(appId));
    });
  }

  /**
   * Removes every app network that no container on the node (running, stopped or just created) is on.
   * Requests made while a pass runs are served by one more pass; resolves to the removed names.
   */
  async prune(): Promise<string[]> {
    if (this.pruning) {
      // One more pass follows; the removals are told to its first caller only.
      this.prunePending = true;
      return this.pruning.then(() => []);
    }
    const removed: string[] = [];
    this.pruning = (async () => {
      do {
        this.prunePending = false;
        removed.push(...(await this.pruneOnce()));
      } while (this.prunePending);
      return removed;
    })().finally(() => (this.pruning = null));
    return this.pruning;
  }

  private async ensure(appId: string, appName: string): Promise<void> {
    const name = appNetworkName(appId);
    const exists = () => this.docker.getNetwork(name).inspect().then(() => true, (err: unknown) => {
      if (statusOf(err) === 404) return false;
      throw err;
    });
    if (await exists()) return;
    const taken = (await this.docker.listNetworks()).flatMap((n) => n.IPAM?.Config?.map((c) => c.Subnet ?? '') ?? []);
    for (;;) {
      const subnet = freeSubnet(this.subnets.pool, this.subnets.prefix, taken);
      if (!subnet) throw new Error(`cannot create the app's network ${name}: no free /${this.subnets.prefix} left in ${this.subnets.pool} (APP_NETWORK_POOL)`);
      try {
        await this.docker.createNetwork({
          Name: name, Driver: 'bridge', CheckDuplicate: true,
          IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
          Labels: { [LABEL.managed]: '1', [LABEL.appNetwork]: appId, [LABEL.app]: appName },
          Options: { 'com.docker.network.bridge.name': appBridgeName(appId), 'com.docker.network.bridge.enable_icc': 'false' },
        });
        return;
      } catch (err) {
        // 409: the name is taken; 403: the bridge name is (a concurrent creation won). Either way
        // the network must now exist; if not, the refusal had another cause.
        if ((statusOf(err) === 409 || statusOf(err) === 403) && (await exists())) return;
        // Another app's network took the subnet meanwhile: the next one.
        if (/overlaps/i.test((err as Error).message)) {
          taken.push(subnet);
          continue;
        }
        throw new Error(`cannot create the app's network ${name}: ${(err as Error).message}`);
      }
    }
  }

  private async pruneOnce(): Promise<string[]> {
    const networks = await this.docker.listNetworks({ filters: { label: [LABEL.appNetwork] } });
    const removed: string[] = [];
    for (const n of networks) {
      await this.serial(n.Labels?.[LABEL.appNetwork] ?? n.Id, async () => {
        if ((await this.docker.listContainers({ all: true, filters: { network: [n.Id] } })).length > 0) return;
        // 404: already gone; 403: a container attached meanwhile (it is kept for a later pass).
        const gone = await this.docker.getNetwork(n.Id).remove().then(() => true, (err: unknown) => {
          if (statusOf(err) === 404) return true;
          if (statusOf(err) === 403) return false;
          throw err;
        });
        if (gone) removed.push(n.Name);
      });
    }
    return removed;
  }

  private serial<T>(key: string, op: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(key) ?? Promise.resolve()).then(op);
    const tail = result.then(() => undefined, () => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return result;
  }
}
