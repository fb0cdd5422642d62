import { execFile } from 'node:child_process';
import { APP_BRIDGE_PREFIX } from './docker/app-network.ts';

/**
 * iptables rules in the node's network namespace (the agent runs in it, as root, next to its
 * engine) for what Docker's isolation of bridge networks leaves open:
 *  - a container reaching another app's published port on the node address, which Docker
 *    serves without its bridge rules (docker-proxy, on the node's INPUT): refused;
 *  - connections from outside the node into app networks (another node's containers, after
 *    their node's NAT, reaching published ports): only the routers' addresses get through.
 * Docker evaluates DOCKER-USER before its own FORWARD rules and leaves it alone on restart.
 */
export const INPUT_CHAIN = 'SLIPWAY-APPS-INPUT';
export const INGRESS_CHAIN = 'SLIPWAY-APPS-INGRESS';
const apps = `${APP_BRIDGE_PREFIX}+`;

/** Our chains, for `iptables-restore --noflush`: each is replaced as a whole, in one commit. */
export function firewallChains(nodeAddress: string, routerSources: readonly string[]): string {
  return [
    '*filter',
    `:${INPUT_CHAIN} - [0:0]`,
    `:${INGRESS_CHAIN} - [0:0]`,
    `-A ${INPUT_CHAIN} -d ${nodeAddress} -j REJECT`,
    ...routerSources.map((s) => `-A ${INGRESS_CHAIN} -s ${s} -j RETURN`),
    `-A ${INGRESS_CHAIN} -j REJECT`,
    'COMMIT',
    '',
  ].join('\n');
}

/** The jumps into our chains, as `iptables` arguments after the chain they go in. */
export const FIREWALL_JUMPS: readonly (readonly string[])[] = [
  // NEW only: replies to the node's own connections into containers (its health checks) come this way.
  ['INPUT', '-i', apps, '-m', 'conntrack', '--ctstate', 'NEW', '-j', INPUT_CHAIN],
  ['DOCKER-USER', '-o', apps, '-m', 'conntrack', '--ctstate', 'NEW', '-j', INGRESS_CHAIN],
];

/** Installs or refreshes the rules; idempotent. Throws with iptables' own message when it cannot. */
export async function installFirewall(nodeAddress: string, routerSources: readonly string[]): Promise<void> {
  await iptables('iptables-restore', ['-w', '10', '--noflush'], firewallChains(nodeAddress, routerSources));
  for (const [chain, ...rule] of FIREWALL_JUMPS) {
    const present = await iptables('iptables', ['-w', '10', '-C', chain!, ...rule]).then(() => true, () => false);
    if (!present) await iptables('iptables', ['-w', '10', '-I', chain!, '1', ...rule]);
  }
}

function iptables(cmd: string, args: string[], input?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 30_000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve();
    });
    child.stdin?.end(input ?? '');
  });
}
