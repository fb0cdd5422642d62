import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLogger } from '@slipway/core';
import { ChannelHub, HUB_CONNECTION_NAME } from './channel-hub.ts';

// Against the real Redis: what a channel's subscribers count, and what each listener hears.
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
const hub = new ChannelHub(redis, createLogger('hub-test', 'silent'));
after(() => {
  hub.close();
  redis.disconnect();
});

const subscribers = async (channel: string) => ((await redis.pubsub('NUMSUB', channel)) as [string, number])[1];
const settle = () => new Promise((r) => setTimeout(r, 100));

test('listeners of one channel share one subscription; it ends with the last of them and can start again', async () => {
  const channel = `hub-test:${randomUUID()}`;
  const heard: string[] = [];
  const stopA = await hub.listen(channel, (m) => heard.push(`a:${m}`));
  const stopB = await hub.listen(channel, (m) => heard.push(`b:${m}`));
  assert.equal(await subscribers(channel), 1);

  await redis.publish(channel, 'one');
  await settle();
  assert.deepEqual(heard.sort(), ['a:one', 'b:one']);

  await stopA();
  await stopA(); // a second stop changes nothing
  await redis.publish(channel, 'two');
  await settle();
  assert.deepEqual(heard.filter((h) => h.endsWith('two')), ['b:two']);
  assert.equal(await subscribers(channel), 1);

  await stopB();
  assert.equal(await subscribers(channel), 0);
  assert.equal(hub.size, 0);

  const stopC = await hub.listen(channel, (m) => heard.push(`c:${m}`));
  await redis.publish(channel, 'three');
  await settle();
  assert.ok(heard.includes('c:three'));
  await stopC();
});

test('many streams on many channels use one connection', async () => {
  const stops = await Promise.all(Array.from({ length: 20 }, (_, i) => hub.listen(`hub-test:${randomUUID()}:${i}`, () => {})));
  const clients = ((await redis.client('LIST')) as string).split('\n').filter((l) => l.includes(`name=${HUB_CONNECTION_NAME} `));
  assert.equal(clients.length, 1);
  assert.match(clients[0]!, / sub=20 /);
  await Promise.all(stops.map((stop) => stop()));
  assert.equal(hub.size, 0);
});
