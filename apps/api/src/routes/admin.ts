import { route } from '../http/route.ts';
import { requireAdmin } from '../auth/access.ts';
import { audit } from '../services/audit.ts';
import { rotateSecrets } from '../services/rotate-secrets.ts';

export const adminRoutes = [
  route({
    method: 'post',
    path: '/v1/admin/secrets/rotate',
    tag: 'admin',
    summary: 'Re-encrypt every secret with the first key of SLIPWAY_SECRET_KEYS (administrators only; safe to repeat)',
    status: 200,
    need: 'manage',
    handler: async ({ deps, principal, req }) => {
      requireAdmin(principal);
      const counts = await rotateSecrets(deps);
      await audit(deps, req, principal, { action: 'secrets.rotate', data: counts });
      return counts;
    },
  }),
];
