export { createDb, type Db } from './client.ts';
export { migrateDeploy, ensureDatabase } from './migrate.ts';
export { isDatabaseUnavailable } from './unavailable.ts';
export * from './generated/client.ts';
