import { createContext, useContext, useState, type ReactNode } from 'react';

interface TeamFilter {
  /** '' = every team. */
  team: string;
  setTeam: (team: string) => void;
}

const KEY = 'slipway.team';
const TeamFilterContext = createContext<TeamFilter>({ team: '', setTeam: () => undefined });

/** The header's team choice, remembered in this browser. */
export function TeamFilterProvider({ children }: { children: ReactNode }) {
  const [team, setTeamState] = useState(() => localStorage.getItem(KEY) ?? '');
  const setTeam = (next: string) => {
    setTeamState(next);
    if (next) localStorage.setItem(KEY, next);
    else localStorage.removeItem(KEY);
  };
  return <TeamFilterContext.Provider value={{ team, setTeam }}>{children}</TeamFilterContext.Provider>;
}

export const useTeamFilter = (): TeamFilter => useContext(TeamFilterContext);
