/**
 * A failure reason safe to store and show: known secrets and any URL password
 * are masked, since driver errors may echo connection details.
 */
export function safeReason(error: unknown, secrets: readonly string[]): string {
  let text = error instanceof Error ? error.message || error.name : String(error);
  for (const secret of secrets) if (secret) text = text.replaceAll(secret, '[redacted]');
  text = text.replace(/(\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@');
  return text.slice(0, 500);
}
