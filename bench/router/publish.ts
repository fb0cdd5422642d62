import { routeKeys, setHostRoutes, deleteHost } from '@slipway/routing';
import { Redis } from 'ioredis';

/** publish.ts <prefix> <host> <port>... | publish.ts --delete <prefix> <host> */
const args = process.argv.slice(2);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
if (args[0] === '--delete') {
  await deleteHost(redis, args[2]!, routeKeys(args[1]));
} else {
  const [prefix, host, ...ports] = args;
  await setHostRoutes(redis, host!, [{ app: 'bench', backends: ports.map((p) => ({ id: `b${p}`, url: `http://127.0.0.1:${p}` })) }], routeKeys(prefix));
}
redis.disconnect();
