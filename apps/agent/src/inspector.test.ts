import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { ContainerInspectInfo } from 'dockerode';
import { Inspector } from './inspector.ts';

const info = (id: string) => ({ Id: id }) as ContainerInspectInfo;
const notFound = () => Object.assign(new Error('no such container'), { statusCode: 404 });

it('answers at once when Docker does, null for a container Docker does not know (yet), and throws other errors', async () => {
  const inspector = new Inspector(async (id) => {
    if (id === 'creating') throw notFound();
    if (id === 'broken') throw Object.assign(new Error('engine error'), { statusCode: 500 });
    return info(id);
  }, 1_000);
  assert.equal((await inspector.get('a'))?.Id, 'a');
  assert.equal(await inspector.get('creating'), null);
  await assert.rejects(inspector.get('broken'), /engine error/);
});

it('gives up on a container whose inspect waits (a start holds its lock) and reuses that request next time', async () => {
  const answers: ((i: ContainerInspectInfo) => void)[] = [];
  const inspector = new Inspector(() => new Promise((resolve) => answers.push(resolve)), 20);
  assert.equal(await inspector.get('starting'), null);
  assert.equal(await inspector.get('starting'), null);
  assert.equal(answers.length, 1, 'one request in flight, not one per heartbeat');
  const third = inspector.get('starting');
  answers[0]!(info('starting'));
  assert.equal((await third)?.Id, 'starting', 'the late answer serves the heartbeat still asking');
  const fourth = inspector.get('starting');
  assert.equal(answers.length, 2, 'a fresh request once the last one ended');
  answers[1]!(info('starting'));
  assert.equal((await fourth)?.Id, 'starting');
});
