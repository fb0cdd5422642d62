import { migrateDeploy } from '@slipway/db';
import { loadApiConfig } from './config.ts';
import { closeDeps, createDeps } from './create-deps.ts';
import { createServer } from './server.ts';
import { bootstrapAdmin } from './services/users.ts';

const config = loadApiConfig();
await migrateDeploy(config.DATABASE_URL);
const deps = createDeps(config);
const { log } = deps;

// Add-on provisioning runs here; a job interrupted by a restart is picked up again.
const addonWorker = deps.broker.startWorker();
await deps.broker.service.resumePending();
// Quotas and password repair for add-ons on the shared servers; its first pass updates existing add-ons' rules.
deps.broker.startWatch();

// After the parts that can fail at start, so a failed start does not create an administrator nobody saw.
const admin = await bootstrapAdmin(deps);
if (admin) {
  // Printed once, on the first start only: the password is stored hashed.
  process.stdout.write(`\nSlipway administrator created\n  email:    ${admin.email}\n  password: ${admin.password}\n\n`);
}

const server = createServer(deps).listen(config.PORT, config.HOST, () => {
  log.info({ port: config.PORT, host: config.HOST }, 'api listening');
});


let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), 10_000);
  force.unref();
  await new Promise((resolve) => server.once('close', resolve));
  await addonWorker.close();
  await closeDeps(deps);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
