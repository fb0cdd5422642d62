import { useSession } from '../../session/SessionContext.tsx';
import { TeamsSection } from './TeamsSection.tsx';
import { TokensSection } from './TokensSection.tsx';

export function AccountPage() {
  const { account } = useSession();
  return (
    <section className="stack" aria-labelledby="acct-title">
      <div className="page-head">
        <h1 id="acct-title">Account</h1>
      </div>
      <section className="card" aria-labelledby="acct-profile">
        <h2 id="acct-profile">Profile</h2>
        <p>
          Signed in as <strong>{account?.email}</strong>
          {account?.isAdmin && <span className="badge ok">administrator</span>}
        </p>
      </section>
      <TokensSection />
      <TeamsSection />
    </section>
  );
}
