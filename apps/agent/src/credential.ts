import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ControlPlane } from './client.ts';
import type { AgentConfig } from './config.ts';

const stored = z.object({ nodeId: z.string(), credential: z.string(), apiUrl: z.string() });

/**
 * The node credential survives agent restarts in the state dir (mode 0600); the join
 * token is only needed the first time, or when the control plane has revoked it.
 */
export async function obtainCredential(cfg: AgentConfig, cp: ControlPlane, forceRegister = false): Promise<{ nodeId: string; credential: string }> {
  const file = join(cfg.AGENT_STATE_DIR, 'credential.json');
  if (!forceRegister) {
    const existing = await readFile(file, 'utf8').then((t) => stored.safeParse(JSON.parse(t)), () => null);
    if (existing?.success && existing.data.apiUrl === cfg.SLIPWAY_API_URL) return existing.data;
  }
  if (!cfg.SLIPWAY_JOIN_TOKEN) throw new Error('This node has no credential yet: set SLIPWAY_JOIN_TOKEN to register it');
  const res = await cp.register({
    joinToken: cfg.SLIPWAY_JOIN_TOKEN, name: cfg.NODE_NAME, address: cfg.NODE_ADDRESS, memoryMb: cfg.NODE_MEMORY_MB, cpus: cfg.NODE_CPUS, labels: cfg.labels,
  });
  await mkdir(cfg.AGENT_STATE_DIR, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify({ ...res, apiUrl: cfg.SLIPWAY_API_URL }), { mode: 0o600 });
  return res;
}
