/** Config var names for a caller who may not see or change the values (a viewer): no reveal, no edit. */
export function HiddenConfigVars({ names, reason }: { names: string[]; reason: string }) {
  return (
    <>
      <p className="muted small" role="note">
        Values hidden: {reason}.
      </p>
      {names.length === 0 && <p className="muted">No config vars yet.</p>}
      <ul className="config-vars" aria-label="Config vars">
        {names.map((name) => (
          <li className="config-var" key={name}>
            <span className="key mono">{name}</span>
            <span className="value mono masked" aria-label={`${name}: value hidden`}>
              hidden
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
