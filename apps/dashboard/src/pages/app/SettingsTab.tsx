import { useAppContext } from './useAppContext.ts';
import { ConfigVarsSection } from './settings/ConfigVarsSection.tsx';
import { DomainsSection } from './settings/DomainsSection.tsx';
import { DangerZone } from './settings/DangerZone.tsx';
import { HealthCheckSection } from './settings/HealthCheckSection.tsx';
import { AffinitySection } from './settings/AffinitySection.tsx';

export function SettingsTab() {
  const { app, reloadApp } = useAppContext();
  return (
    <div className="stack">
      <ConfigVarsSection app={app.name} access={app.access} onReleased={reloadApp} />
      <DomainsSection app={app.name} defaultUrl={app.webUrl} canEdit={app.access.operate} onChanged={reloadApp} />
      {/* Controls the caller's role could not use are left out (a viewer reads only; only owners destroy). */}
      {app.access.operate && <HealthCheckSection app={app} onSaved={reloadApp} />}
      {app.access.operate && <AffinitySection app={app.name} enabled={app.sessionAffinity} onSaved={reloadApp} />}
      {app.access.manage && <DangerZone app={app.name} />}
    </div>
  );
}
