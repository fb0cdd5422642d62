import type { Router } from 'express';
import { createPushHandler } from '@slipway/builder';
import type { Deps } from './deps.ts';
import type { Principal } from './auth/principal.ts';
import { authenticateToken } from './auth/passport.ts';
import { appFor } from './auth/access.ts';
import { createGitRouter } from './git/router.ts';
import { awaitRollout } from './services/rollout-wait.ts';

/** `git push platform main`: the git smart-HTTP remote, authorized like the API; a push waits for its build and rollout. */
export function createGitRemote(deps: Deps): Router {
  const build = createPushHandler({
    db: deps.db,
    queue: deps.buildQueue,
    redis: deps.redis,
    afterRelease: (app, version) => awaitRollout(deps, app, version),
    internalSecret: deps.config.SLIPWAY_INTERNAL_SECRET,
  });
  return createGitRouter<Principal>({
    reposDir: deps.config.SLIPWAY_REPOS_DIR,
    logger: deps.log.child({ component: 'git' }),
    authenticate: (token) => authenticateToken(deps, token),
    authorize: async (principal, app, action) => {
      await appFor(deps, principal, app, action === 'push' ? 'operate' : 'read');
    },
    onPush: (push) => build({ app: push.app, ref: push.ref, newSha: push.newSha, createdById: push.principal.user.id, pushOptions: push.pushOptions }),
  });
}
