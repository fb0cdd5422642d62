import { test } from 'node:test';
import { defaultChecks } from '@slipway/app-json';
import assert from 'node:assert/strict';
import { plan } from './converge.ts';
import type { Managed } from './docker/labels.ts';
import type { InstanceSpec } from './protocol.ts';

const spec = (instanceId: string, generation = 0): InstanceSpec => ({
  instanceId, generation, appId: 'a', appName: 'app', type: 'web', name: 'web.1', image: 'img', command: null, env: {},
  memoryMb: 128, cpuShares: 512, stopTimeoutSec: 5, healthchecks: defaultChecks('web'), oneOff: false,
});
const box = (instanceId: string, generation = 0, running = true, created = false): Managed => ({ containerId: `c-${instanceId}-${generation}`, instanceId, generation, running, created, oneOff: false, stopTimeoutSec: 5 });
const ids = (p: ReturnType<typeof plan>) => ({ start: p.start.map((s) => `${s.instanceId}#${s.generation}`), remove: p.remove.map((m) => m.containerId) });

const cases: { name: string; assigned: InstanceSpec[]; actual: Managed[]; want: { start: string[]; remove: string[] } }[] = [
  { name: 'nothing to do', assigned: [spec('a')], actual: [box('a')], want: { start: [], remove: [] } },
  { name: 'start the missing', assigned: [spec('a'), spec('b')], actual: [box('a')], want: { start: ['b#0'], remove: [] } },
  { name: 'remove the unassigned (adopted stale or stopped)', assigned: [], actual: [box('a'), box('b', 0, false)], want: { start: [], remove: ['c-a-0', 'c-b-0'] } },
  { name: 'new generation replaces the old container', assigned: [spec('a', 2)], actual: [box('a', 1, false)], want: { start: ['a#2'], remove: ['c-a-1'] } },
  // An agent killed between create and start leaves one: it is started, not left or replaced.
  { name: 'a created, never started container of the current generation is started', assigned: [spec('a')], actual: [box('a', 0, false, true)], want: { start: ['a#0'], remove: [] } },
  { name: 'an exited container of the current generation is kept for its report', assigned: [spec('a')], actual: [box('a', 0, false)], want: { start: [], remove: [] } },
];

for (const c of cases) test(`converge: ${c.name}`, () => assert.deepEqual(ids(plan(c.assigned, c.actual)), c.want));
