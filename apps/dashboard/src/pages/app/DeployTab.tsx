import { useAppContext } from './useAppContext.ts';
import { CopyField } from '../../components/CopyField.tsx';

export function DeployTab() {
  const { app } = useAppContext();
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="dp-git">
        <h2 id="dp-git">Deploy with git</h2>
        <p>Add the platform as a git remote, then push a branch to build and release it.</p>
        <CopyField label="Add the remote" value={`git remote add platform ${app.gitUrl}`} />
        <CopyField label="Or let the CLI add it" value={`slipway git:remote -a ${app.name}`} />
        <CopyField label="Deploy" value="git push platform main" />
        <p className="muted small">Git asks for a password: use an API token from your Account page.</p>
      </section>
      <section className="card" aria-labelledby="dp-builds">
        <h2 id="dp-builds">Build history</h2>
        <p className="muted">Builds and their live logs will be listed here.</p>
      </section>
    </div>
  );
}
