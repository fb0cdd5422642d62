import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import express from 'express';
import { Redis } from 'ioredis';
import pg from 'pg';
import { SecretBox, createLogger } from '@slipway/core';
import { routeKeys } from '@slipway/routing';
import { createDb, migrateDeploy } from '@slipway/db';
import type { Db } from '@slipway/db';
import { createAgentRouter } from '../../../apps/api/src/agents/router.ts';
import { Scheduler } from '../../../apps/scheduler/src/scheduler.ts';
import { DESIRED_CHANNEL, desiredNotice } from '../../../apps/scheduler/src/channels.ts';
import { defaultPolicy } from '../../../apps/scheduler/src/model.ts';
import type { Policy } from '../../../apps/scheduler/src/model.ts';
import { BRIDGE_ADDR } from './nodes.ts';
import type { TestNode } from './nodes.ts';

const PG = 'postgresql://postgres@127.0.0.1:5432';
export const policy: Policy = { ...defaultPolicy, heartbeatTimeoutMs: 4_000, drainMs: 1_500, backoffBaseMs: 500, maxRestarts: 3 };

/** The control plane of a test cluster: its own database, agent endpoints on the bridge, schedulers in-process. */
export class ControlPlane {
  readonly id = randomBytes(4).toString('hex');
  readonly dbName = `slipway_t_${this.id}`;
  readonly joinToken = randomBytes(24).toString('base64url');
  readonly box = new SecretBox([randomBytes(32).toString('base64')]);
  readonly appsDomain = `c${this.id}.test`;
  readonly leaderKey = `slipway:test:${this.id}:leader`;
  /** A route table of its own: the scheduler deletes every host its database does not assign. */
  readonly routeKeys = routeKeys(`slipway:test:${this.id}:`);
  readonly redis = new Redis('redis://127.0.0.1:6379');
  /** What the API does after a desired-state change (unsigned: this control plane runs without a bus secret). */
  readonly notify = async (appId: string): Promise<void> => {
    await this.redis.publish(DESIRED_CHANNEL, desiredNotice(appId));
  };
  db!: Db;
  url = '';
  private server: Server | null = null;
  private readonly agents = new Map<string, ChildProcess>();
  readonly schedulers: Scheduler[] = [];
  private readonly extraRedis: Redis[] = [];

  async start(): Promise<void> {
    const dbUrl = `${PG}/${this.dbName}`;
    await migrateDeploy(dbUrl);
    this.db = createDb(dbUrl, 5);
    const app = express();
    app.use('/v1/agent', createAgentRouter({ db: this.db, redis: this.redis, box: this.box, log: createLogger('agents', 'warn'), joinToken: this.joinToken }));
    this.server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, BRIDGE_ADDR, () => resolve(s));
    });
    this.url = `http://${BRIDGE_ADDR}:${(this.server.address() as AddressInfo).port}`;
  }

  startScheduler(): Scheduler {
    const redis = new Redis('redis://127.0.0.1:6379');
    const subscriber = new Redis('redis://127.0.0.1:6379');
    this.extraRedis.push(redis, subscriber);
    const s = new Scheduler({ db: this.db, redis, subscriber, log: createLogger(`scheduler-${this.schedulers.length + 1}`, 'warn'), policy, appsDomain: this.appsDomain, tickMs: 1_000, leaseMs: 3_000, leaderKey: this.leaderKey, routeKeys: this.routeKeys });
    this.schedulers.push(s);
    void s.start();
    return s;
  }

  startAgent(node: TestNode, joinToken = this.joinToken): ChildProcess {
    const child = node.spawnInside(process.execPath, ['--import', 'tsx', 'apps/agent/src/main.ts'], {
      ...process.env, SLIPWAY_API_URL: this.url, SLIPWAY_JOIN_TOKEN: joinToken, NODE_NAME: node.name, NODE_ADDRESS: node.address,
      NODE_MEMORY_MB: '4096', NODE_CPUS: '2', DOCKER_SOCKET: node.socket, AGENT_STATE_DIR: `${node.root}/agent`, HEARTBEAT_MS: '500', LOG_LEVEL: 'warn',
    });
    this.agents.set(node.name, child);
    return child;
  }

  async stopAgent(node: TestNode): Promise<void> {
    const child = this.agents.get(node.name);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  async stop(): Promise<void> {
    for (const a of this.agents.values()) if (a.exitCode === null) a.kill('SIGKILL');
    for (const s of this.schedulers) await s.stop().catch(() => {});
    await new Promise((r) => (this.server ? this.server.close(r) : r(null)));
    this.server?.closeAllConnections();
    await this.db?.$disconnect();
    await this.redis.del(this.routeKeys.hash).catch(() => {});
    for (const r of [...this.extraRedis, this.redis]) r.disconnect();
    const client = new pg.Client({ connectionString: `${PG}/postgres` });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${this.dbName}" WITH (FORCE)`);
    await client.end();
  }
}
