import type { Command } from 'commander';
import type { WorkerNode } from '@slipway/api-types';
import { api } from '../client.ts';
import { authedClient } from '../context.ts';
import { SlipwayCliError } from '../errors.ts';
import { jsonOption, type JsonOpts } from '../options.ts';
import { print, printJson, table } from '../output.ts';
import { formatDuration } from '../ps-view.ts';

const ago = (iso: string | null): string => (iso ? `${formatDuration((Date.now() - new Date(iso).getTime()) / 1000)} ago` : 'never');

export function register(program: Command): void {
  program
    .command('nodes')
    .description('list the worker nodes: status, memory used, instances, last heartbeat (administrators)')
    .addOption(jsonOption())
    .action(async (opts: JsonOpts) => {
      const nodes = await (await authedClient()).get<WorkerNode[]>('/v1/nodes');
      if (opts.json) return printJson(nodes);
      if (!nodes.length) return print('No nodes yet: start an agent on a worker machine to add one');
      print(table(nodes, [
        { header: 'Name', value: (n) => n.name },
        { header: 'Address', value: (n) => n.address },
        { header: 'Status', value: (n) => n.status },
        { header: 'Memory', value: (n) => `${n.memoryUsedMb}/${n.memoryMb} MB` },
        { header: 'Instances', value: (n) => n.instances.length },
        { header: 'Last heartbeat', value: (n) => ago(n.lastHeartbeatAt) },
      ]));
    });

  program
    .command('nodes:drain <name>')
    .description('drain a node: nothing new is placed on it and its instances move to other nodes')
    .action(async (name: string) => {
      await (await authedClient()).post(api`/v1/nodes/${name}/drain`);
      print(`Draining ${name}: its instances move to other nodes`);
    });

  program
    .command('nodes:remove <name>')
    .description("remove a node: its agent's credential stops working and its instances are placed elsewhere")
    .option('--confirm <name>', 'the node name again, to confirm')
    .action(async (name: string, opts: { confirm?: string }) => {
      if (opts.confirm !== name) {
        throw new SlipwayCliError(`This removes node ${name} and re-places its instances; to proceed, run again with --confirm ${name}`);
      }
      await (await authedClient()).delete(api`/v1/nodes/${name}`);
      print(`Removed node ${name}`);
    });
}
