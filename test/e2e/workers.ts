import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { TestNode } from '../cluster/harness/nodes.ts';
import { ROOT } from './platform.ts';

/** Worker nodes (three unless told; own namespace, dockerd and agent each) that join the platform with its join token. */
export class Workers {
  readonly nodes: TestNode[];
  private readonly agents = new Map<string, ChildProcess>();

  constructor(private readonly apiUrl: string, private readonly joinToken: string, private readonly logDir: string, count = 3) {
    this.nodes = Array.from({ length: count }, (_, i) => new TestNode(`n${i + 1}`, i + 1));
  }

  async create(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.create()));
    for (const n of this.nodes) this.startAgent(n);
  }

  node(name: string): TestNode {
    return this.nodes.find((n) => n.name === name)!;
  }

  startAgent(node: TestNode): void {
    const child = spawn('nsenter', [`--net=/var/run/netns/${node.netns}`, process.execPath, '--import', 'tsx', join(ROOT, 'apps/agent/src/main.ts')], {
      cwd: ROOT,
      env: {
      ...process.env, SLIPWAY_API_URL: this.apiUrl, SLIPWAY_JOIN_TOKEN: this.joinToken, NODE_NAME: node.name, NODE_ADDRESS: node.address,
      NODE_MEMORY_MB: '4096', NODE_CPUS: '2', DOCKER_SOCKET: node.socket, AGENT_STATE_DIR: `${node.root}/agent`, HEARTBEAT_MS: '500', IMAGE_GC_MS: '5000', LOG_LEVEL: 'info',
    }, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(this.logDir, `agent-${node.name}.log`), { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.agents.set(node.name, child);
  }

  /** SIGKILL of the whole node: engine, containers and agent. */
  async kill(name: string): Promise<void> {
    await this.node(name).kill();
    this.agents.get(name)?.kill('SIGKILL');
  }

  /** SIGKILL of the node's agent alone (its engine and containers keep running); `startAgent` brings it back. */
  async killAgent(name: string): Promise<void> {
    const agent = this.agents.get(name);
    if (!agent || agent.exitCode !== null) return;
    const exited = new Promise((r) => agent.once('exit', r));
    agent.kill('SIGKILL');
    await exited;
  }

  async restart(name: string): Promise<void> {
    const node = this.node(name);
    await node.startEngine();
    this.startAgent(node);
  }

  async destroy(): Promise<void> {
    for (const a of this.agents.values()) if (a.exitCode === null) a.kill('SIGKILL');
    await Promise.all(this.nodes.map((n) => n.destroy().catch((e) => console.error(`cleanup of ${n.name}`, e))));
  }
}
