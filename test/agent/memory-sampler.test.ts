import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createLogger } from '@slipway/core';
import { appNetworkName } from '../../apps/agent/src/docker/app-network.ts';
import { Engine } from '../../apps/agent/src/docker/engine.ts';
import { MemorySampler } from '../../apps/agent/src/memory.ts';
import type { InstanceSpec } from '../../apps/agent/src/protocol.ts';

// The agent's memory sampler against the real Docker engine: a container started with the
// production options holds 40 MB, and the sample shows it, under the limit.
const run = promisify(execFile);
const engine = new Engine('/var/run/docker.sock', '127.0.0.1');
const started: string[] = [];
// Its own app id per run: the container joins a network made for it (removed in `after`).
const appId = `mem-${randomUUID()}`;
after(async () => {
  for (const id of started) await run('docker', ['rm', '-f', id]).catch(() => undefined);
  await run('docker', ['network', 'rm', appNetworkName(appId)]).catch(() => undefined);
});

test('a running instance holding 40 MB is sampled at about that, under its limit', async () => {
  const spec: InstanceSpec = {
    instanceId: randomUUID(), appId, appName: 'mem', type: 'web', name: 'web.1', generation: 0, image: 'slipway/stack-node:20',
    command: `node -e "const b = Buffer.alloc(40 * 1024 * 1024, 1); setInterval(() => b[0]++, 1000)"`, env: {},
    memoryMb: 256, cpuShares: 256, stopTimeoutSec: 1, healthcheck: { type: 'uptime' } as InstanceSpec['healthcheck'], oneOff: false,
  };
  const id = await engine.start(spec);
  started.push(id);
  const sampler = new MemorySampler(engine.docker, createLogger('test', 'silent'), 0);
  let used: number | undefined;
  // Node needs a moment to start and fill its buffer.
  for (let i = 0; i < 50 && (used ?? 0) < 40; i++) {
    sampler.sampleIfDue([id]);
    await sampler.settled();
    used = sampler.usedMb(id);
    if ((used ?? 0) < 40) await sleep(200);
  }
  assert.ok(used !== undefined && used >= 40 && used < 256, `sampled ${used} MB`);

  // Once it no longer runs, the sample is dropped rather than repeated.
  await run('docker', ['stop', '-t', '1', id]);
  sampler.sampleIfDue([]);
  assert.equal(sampler.usedMb(id), undefined);
});
