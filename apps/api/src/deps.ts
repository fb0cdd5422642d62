import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type Docker from 'dockerode';
import type { Logger, SecretBox } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { Broker } from '@slipway/addons';
import type { BuildJob } from '@slipway/builder';
import type { ApiConfig } from './config.ts';
import type { ChannelHub } from './services/channel-hub.ts';

/** What every route and service gets: built once in main.ts (or by a test) with createDeps. */
export interface Deps {
  config: ApiConfig;
  db: Db;
  redis: Redis;
  /** The one pub/sub connection live streams share. */
  hub: ChannelHub;
  /** BullMQ's connection (no retry limit, as its blocking commands need). */
  queueRedis: Redis;
  box: SecretBox;
  log: Logger;
  /** Where pushes become build jobs; the builder process consumes them. */
  buildQueue: Queue<BuildJob>;
  /** Add-on broker: its jobs run in the API process (see main.ts). */
  broker: Broker;
  /** The control plane's engine: the builder makes release images there, nodes fetch them from it (DOCKER_HOST or the local socket). */
  docker: Docker;
}
