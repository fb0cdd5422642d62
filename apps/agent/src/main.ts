import { createLogger } from '@slipway/core';
import { Agent } from './agent.ts';
import { loadAgentConfig } from './config.ts';

const cfg = loadAgentConfig();
const log = createLogger('agent');
const agent = new Agent(cfg, log);
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  // Containers keep running: the next agent adopts them.
  process.once(sig, () => { agent.stop(); process.exit(0); });
}
agent.start().catch((err) => {
  log.fatal({ err }, 'agent cannot start');
  process.exit(1);
});
