import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="empty" aria-labelledby="nf-title">
      <h1 id="nf-title">Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/apps">Go to your apps</Link>
    </section>
  );
}
