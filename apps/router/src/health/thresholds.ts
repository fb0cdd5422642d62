/** Health of one backend as active checks see it. */
export interface HealthState {
  readonly healthy: boolean;
  /** Consecutive results pointing away from the current state. */
  readonly streak: number;
}

export interface Thresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** New backends start healthy: the scheduler only publishes instances that passed their deploy check. */
export const initialHealth: HealthState = { healthy: true, streak: 0 };

/**
 * One check result applied: the state flips only after `unhealthyThreshold`
 * failures in a row (or `healthyThreshold` successes), so one blip changes nothing.
 */
export function nextHealth(state: HealthState, ok: boolean, t: Thresholds): HealthState {
  if (ok === state.healthy) return state.streak === 0 ? state : { healthy: state.healthy, streak: 0 };
  const streak = state.streak + 1;
  const needed = state.healthy ? t.unhealthyThreshold : t.healthyThreshold;
  return streak >= needed ? { healthy: !state.healthy, streak: 0 } : { healthy: state.healthy, streak };
}
