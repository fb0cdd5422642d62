/** Counts of instances by state (running, starting, crashed…) as small badges. */
export function InstanceStates({ instances }: { instances: Record<string, number> }) {
  const entries = Object.entries(instances).filter(([, n]) => n > 0);
  if (entries.length === 0) return <p className="muted small">No instances running.</p>;
  return (
    <p className="states" aria-label="Instances by state">
      {entries.map(([state, n]) => (
        <span key={state} className={`badge state-${state}`}>
          {n} {state}
        </span>
      ))}
    </p>
  );
}
