import type { Redis } from 'ioredis';
import type { Logger, SecretBox } from '@slipway/core';
import type { Db } from '@slipway/db';
import type { ApiConfig } from './config.ts';

/** What every route and service gets: built once in main.ts (or by a test). */
export interface Deps {
  config: ApiConfig;
  db: Db;
  redis: Redis;
  box: SecretBox;
  log: Logger;
}
