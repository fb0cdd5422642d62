import type { Account } from '@slipway/api-types';
import { useTeamFilter } from '../session/TeamFilter.tsx';

/** Header control: which team's apps the apps list shows. */
export function TeamSwitcher({ account }: { account: Account }) {
  const { team, setTeam } = useTeamFilter();
  // A remembered team the user has since left falls back to all.
  const current = account.teams.some((t) => t.name === team) ? team : '';
  if (account.teams.length < 2) return null;
  return (
    <label className="team-switcher">
      <span className="sr-only">Team</span>
      <select aria-label="Team" value={current} onChange={(e) => setTeam(e.target.value)}>
        <option value="">All teams</option>
        {account.teams.map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
    </label>
  );
}
