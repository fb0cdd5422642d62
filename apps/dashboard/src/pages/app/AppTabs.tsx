import { useEffect, useRef } from 'react';
import { NavLink, useLocation } from 'react-router';
import { appTabs } from './tabs.tsx';

/** The tab strip; on a narrow screen it scrolls sideways and keeps the current tab in view. */
export function AppTabs() {
  const ref = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    ref.current?.querySelector('a.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [pathname]);
  return (
    <nav aria-label="App sections" className="tabs" ref={ref}>
      {appTabs.map((t) => (
        <NavLink key={t.path} to={t.path} end={t.path === ''}>
          {t.label}
        </NavLink>
      ))}
    </nav>
  );
}
