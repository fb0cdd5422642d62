import type { User, ApiToken } from '@slipway/db';

/** Who is calling: a user, through a dashboard session or an API token (with its scopes). */
export interface Principal {
  user: Pick<User, 'id' | 'email' | 'isAdmin'>;
  token?: Pick<ApiToken, 'id' | 'scopes'>;
}
