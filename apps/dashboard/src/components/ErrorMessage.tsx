import { errorMessage } from '../api/client.ts';

/** The API's own message, in an alert box, with an optional retry. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry && (
        <button type="button" className="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
