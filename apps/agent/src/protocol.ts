import { z } from 'zod';
import { healthcheck } from '@slipway/app-json';

/**
 * Messages between a node agent and the control plane (`/v1/agent/*`), shared by both sides.
 * The agent pulls: each heartbeat reports what runs on the node and gets back what should.
 */

export const nodeName = z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'Node names are 1-63 lowercase letters, digits, dots and dashes');
const labels = z.record(z.string().regex(/^[a-z0-9][a-z0-9._/-]{0,62}$/), z.string().max(63));
const capacity = { memoryMb: z.number().int().positive().max(16 * 1024 * 1024), cpus: z.number().int().positive().max(4096), labels: labels.default({}) };

export const registerRequest = z.object({ joinToken: z.string().min(16).max(256), name: nodeName, address: z.ipv4(), ...capacity });
export const registerResponse = z.object({ nodeId: z.string(), credential: z.string() });

export const containerReport = z.object({
  instanceId: z.string().uuid(),
  /** Restart generation the container was started for (Instance.restarts). */
  generation: z.number().int().min(0),
  /** Null when the container could not even be created (see `error`). */
  containerId: z.string().min(1).nullable(),
  error: z.string().max(2_000).optional(),
  hostPort: z.number().int().min(1).max(65535).nullable(),
  status: z.enum(['starting', 'running', 'exited']),
  health: z.enum(['unknown', 'healthy', 'failed']),
  exitCode: z.number().int().nullable(),
  /** Docker's State.OOMKilled: the container went past its memory limit and the kernel killed it. */
  oomKilled: z.boolean().default(false),
  startedAt: z.string().datetime().nullable(),
  /** Memory in use (MB, as `docker stats` counts it) at the last sample; absent before one, when stopped, and from older agents. */
  memoryUsedMb: z.number().int().min(0).max(16 * 1024 * 1024).optional(),
  /** A healthy instance's readiness checks pass (true without any); absent while not known, and from older agents. */
  ready: z.boolean().optional(),
  /** Why it is not ready: the failing readiness check's outcome, e.g. `GET /ready returned 503`. */
  notReady: z.string().max(500).optional(),
  /** Why its health failed: the startup or liveness check and its outcome. */
  checkFailure: z.string().max(500).optional(),
});

export const heartbeatRequest = z.object({ ...capacity, containers: z.array(containerReport).max(10_000) });

export const instanceSpec = z.object({
  instanceId: z.string().uuid(),
  appId: z.string(),
  appName: z.string(),
  type: z.string(),
  /** DYNO-like name, e.g. web.1 */
  name: z.string(),
  generation: z.number().int().min(0),
  image: z.string(),
  /** Shell command from the release's process types; null = the image's own command. */
  command: z.string().nullable(),
  env: z.record(z.string(), z.string()),
  memoryMb: z.number().int().positive(),
  cpuShares: z.number().int().positive(),
  stopTimeoutSec: z.number().int().min(0),
  /** Every check of the instance's process type (app.json's format, defaults filled in); the startup ones gate its health. */
  healthchecks: z.array(healthcheck).min(1).max(10),
  /** One-off (`slipway run`) containers run once and are never health-checked or restarted. */
  oneOff: z.boolean(),
});

export const heartbeatResponse = z.object({ instances: z.array(instanceSpec) });

export const logLine = z.object({
  instanceId: z.string().uuid(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string().max(64 * 1024),
  ts: z.string().datetime(),
});
export const logBatch = z.object({ lines: z.array(logLine).min(1).max(5_000) });

/** Image garbage collection: the builds a node holds release images of; the answer names those that no longer exist. */
export const GONE_BUILDS_MAX = 1_000;
export const goneBuildsRequest = z.object({ builds: z.array(z.uuid()).min(1).max(GONE_BUILDS_MAX) });
export const goneBuildsResponse = z.object({ gone: z.array(z.string()) });

export type RegisterRequest = z.infer<typeof registerRequest>;
export type RegisterResponse = z.infer<typeof registerResponse>;
export type ContainerReport = z.infer<typeof containerReport>;
export type HeartbeatRequest = z.infer<typeof heartbeatRequest>;
export type HeartbeatResponse = z.infer<typeof heartbeatResponse>;
export type InstanceSpec = z.infer<typeof instanceSpec>;
export type LogLine = z.infer<typeof logLine>;
export type GoneBuildsResponse = z.infer<typeof goneBuildsResponse>;

/** Port every instance listens on inside its container ($PORT); the host port is Docker's choice. */
export const CONTAINER_PORT = 5000;
