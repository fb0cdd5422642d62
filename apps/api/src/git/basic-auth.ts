/** The API token from an HTTP basic `Authorization` header: the password, or the user name when the password is empty. */
export function tokenFromBasicAuth(header: string | undefined): string | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  const token = sep < 0 ? decoded : decoded.slice(sep + 1) || decoded.slice(0, sep);
  return token || null;
}
