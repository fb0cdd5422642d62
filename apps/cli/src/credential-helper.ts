/** git's credential-helper protocol (gitcredentials(7)): `key=value` lines, ended by a blank line or EOF. */
export type CredentialRequest = Record<string, string>;

export function parseCredentialRequest(text: string): CredentialRequest {
  const req: CredentialRequest = {};
  for (const line of text.split('\n')) {
    if (line === '') break;
    const eq = line.indexOf('=');
    if (eq > 0) req[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return req;
}

/** True when git asks for the API's own origin: the token is never offered to another host. */
export function requestMatches(req: CredentialRequest, apiUrl: string): boolean {
  const api = new URL(apiUrl);
  return req.protocol === api.protocol.replace(/:$/, '') && req.host === api.host;
}

export const credentialAnswer = (token: string): string => `username=slipway\npassword=${token}\n`;
