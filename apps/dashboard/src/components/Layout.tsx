import { useState } from 'react';
import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useSession } from '../session/SessionContext.tsx';
import { mainNav } from '../nav.ts';
import { TeamFilterProvider } from '../session/TeamFilter.tsx';
import { TeamSwitcher } from './TeamSwitcher.tsx';

/** Header with the main navigation and the user menu; pages render below it. */
export function Layout() {
  const { account, logout } = useSession();
  const navigate = useNavigate();
  const [leaving, setLeaving] = useState(false);
  const signOut = async () => {
    setLeaving(true);
    await logout();
    navigate('/login', { replace: true });
  };
  const items = mainNav.filter((n) => !n.adminOnly || account?.isAdmin);
  return (
    <TeamFilterProvider>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/apps" className="brand" aria-label="Slipway home">
          <span className="logo" aria-hidden="true" />
          <span className="brand-text">Slipway</span>
        </Link>
        <nav aria-label="Main">
          {items.map((n) => (
            <NavLink key={n.to} to={n.to}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="user">
          {account && <TeamSwitcher account={account} />}
          <span className="email" title={account?.email}>
            {account?.email}
          </span>
          <button type="button" className="secondary small" onClick={() => void signOut()} disabled={leaving}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </TeamFilterProvider>
  );
}
