/** Redis names shared by the API, the agent endpoints and the scheduler. */

/** Publish an app id here after any change to its desired state (scale, release, restart, rollback). */
export const DESIRED_CHANNEL = 'slipway:desired:changed';
/** Leader lease: one scheduler holds it and acts. */
export const LEADER_KEY = 'slipway:scheduler:leader';
/** Live log lines of an app, JSON `AppLogLine`. */
export const logsChannel = (appId: string): string => `slipway:logs:${appId}`;
/** The last lines of an app's log (a capped list), for `logs` without `--tail`. */
export const recentLogsKey = (appId: string): string => `slipway:logs:${appId}:recent`;
export const RECENT_LOG_LINES = 1_500;
/** A one-off container's exit, JSON `{ exitCode }`. */
export const runExitChannel = (instanceId: string): string => `slipway:run:${instanceId}:exit`;

export interface AppLogLine {
  ts: string;
  /** DYNO-like source: web.1, run.3 */
  dyno: string;
  type: string;
  instanceId: string;
  stream: 'stdout' | 'stderr';
  line: string;
}
