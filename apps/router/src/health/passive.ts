/** Why the router took a backend out of rotation itself, from what its requests met. */
export type EjectReason = 'connect' | '5xx';

export interface PassiveState {
  ejectedUntil: number;
  reason: EjectReason | undefined;
  consecutive5xx: number;
}

export const newPassiveState = (): PassiveState => ({ ejectedUntil: 0, reason: undefined, consecutive5xx: 0 });

export interface EjectPolicy {
  readonly after5xx: number;
  readonly ejectMs: number;
}

/** Records one outcome; returns true when this outcome ejected the backend. */
export function recordOutcome(s: PassiveState, outcome: 'ok' | '5xx' | 'connect', now: number, p: EjectPolicy): boolean {
  if (outcome === 'ok') {
    s.consecutive5xx = 0;
    return false;
  }
  if (outcome === '5xx') {
    s.consecutive5xx += 1;
    if (p.after5xx === 0 || s.consecutive5xx < p.after5xx) return false;
  }
  const wasIn = s.ejectedUntil <= now;
  s.ejectedUntil = now + p.ejectMs;
  s.reason = outcome;
  s.consecutive5xx = 0;
  return wasIn;
}

export const isEjected = (s: PassiveState, now: number): boolean => s.ejectedUntil > now;
