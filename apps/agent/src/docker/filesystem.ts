import type { HostConfig, ImageInspectInfo } from 'dockerode';
import { APP_USER, STACK_LABEL } from '@slipway/core';

export type Filesystem = Pick<HostConfig, 'ReadonlyRootfs' | 'Tmpfs'>;

// In memory, so charged to the container's memory limit as well. `exec`: Docker's tmpfs
// default is noexec, which would break `npx` (it runs from ~/.npm/_npx) for no real gain.
const TMPFS = 'rw,exec,nosuid,nodev,size=64m';

/**
 * A read-only root for images built on a stack: only /tmp and $HOME are writable, in
 * memory, gone with the container (Heroku's ephemeral filesystem, minus the app dir).
 * Other images may write anywhere for all we know, so they keep a writable root.
 */
export function filesystemFor(image: Pick<ImageInspectInfo['Config'], 'Labels' | 'User' | 'Env' | 'WorkingDir'>): Filesystem {
  if (!image.Labels?.[STACK_LABEL]) return {};
  const home = (image.Env ?? []).find((e) => e.startsWith('HOME='))?.slice('HOME='.length) || APP_USER.home;
  const owner = ownerOf(image.User ?? '');
  const homeMode = owner ? `uid=${owner.uid},gid=${owner.gid},mode=0755` : 'mode=1777';
  // An empty tmpfs over the folder holding the app's code (say HOME=/app) would hide the code.
  const holdsCode = (dir: string) => `${image.WorkingDir || '/'}/`.startsWith(`${dir.replace(/\/+$/, '')}/`);
  const mounts = Object.entries({ [home]: homeMode, '/tmp': 'mode=1777' }).filter(([dir]) => !holdsCode(dir));
  return { ReadonlyRootfs: true, Tmpfs: Object.fromEntries(mounts.map(([dir, mode]) => [dir, `${TMPFS},${mode}`])) };
}

/** The image's `User` (`name|uid[:group|gid]`) as ids; null for names only the image's /etc/passwd knows. */
function ownerOf(user: string): { uid: number; gid: number } | null {
  const known = new Map([['', 0], ['root', 0], [APP_USER.name, APP_USER.uid]]);
  const id = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : known.get(s));
  const [name = '', group] = user.split(':');
  const uid = id(name);
  // Without a group Docker takes the user's primary one: the same id for root and the stack user.
  const gid = group === undefined ? uid : id(group);
  return uid === undefined || gid === undefined ? null : { uid, gid };
}
