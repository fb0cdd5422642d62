import type Docker from 'dockerode';
import { z } from 'zod';
import { SlipwayError } from '@slipway/core';
import { imageRefs, pinRefs, triggersCopyFrom, UncheckableDockerfile, type ImageRef } from './image-refs.ts';

/** The label the builder puts on each image it makes: the id of the build that made it. */
export const BUILD_LABEL = 'slipway.build';

/** What the engine knows of an image a Dockerfile names. */
export interface EngineImage {
  id: string;
  labels: Record<string, string>;
  /** Its ONBUILD triggers, which run in any build that starts from it. */
  onBuild: string[];
}

export interface BaseImagePolicy {
  /** Tags of the platform's stack images, which any build may use. */
  stacks: string[];
  /** The image a reference resolves to on the build's engine (the engine's own lookup), or null when none does. */
  lookup(reference: string): Promise<EngineImage | null>;
  /** True when the build of this id is one of this app's (the app's own rows, so a reused app name inherits nothing). */
  ownsBuild(buildId: string): Promise<boolean>;
}

// Docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest]. An image id
// (sha256:<hex>, or a prefix of the hex) fits it too. Checked before asking the engine, as it goes into a URL path.
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`);
export interface CheckedDockerfile {
  /** The text to build: the app's Dockerfile with each image reference replaced by its id. */
  text: string;
  /** Each reference as written and the id it was pinned to (the build log shows both). */
  pinned: { written: string; id: string }[];
}

const IMAGE_ID = /^sha256:[0-9a-f]{64}$/;
const buildId = z.uuid();

/**
 * The Dockerfile the engine is to build, once every image it names is allowed: a build
 * may start from (or copy from) the platform's stack images and its own app's images,
 * never another app's, whatever name, tag, id or registry prefix reaches them. Each
 * reference is resolved by the engine, judged by the image id and labels it resolves to,
 * and replaced by that id in the returned text, so the engine builds from exactly the
 * images that were checked. Refusals name the image and what is allowed; a missing image
 * gets the same answer as another app's, so a build cannot tell whether one exists.
 */
export async function checkedDockerfile(text: string, policy: BaseImagePolicy): Promise<CheckedDockerfile> {
  let refs: ImageRef[];
  try {
    refs = imageRefs(text);
  } catch (err) {
    if (err instanceof UncheckableDockerfile) throw new SlipwayError('unprocessable', err.message);
    throw err;
  }
  const stackIds = new Set<string>();
  for (const tag of policy.stacks) {
    const stack = await policy.lookup(tag);
    if (stack) stackIds.add(stack.id);
  }
  const refuse = (ref: ImageRef, why = '') => {
    const allowed = `the platform stack (${policy.stacks.join(', ') || 'none on this machine'}) or this app's own images`;
    const written = ref.kind === 'FROM' ? `FROM ${ref.written}` : `COPY --from=${ref.written}`;
    return new SlipwayError('unprocessable', `Dockerfile: ${written} is not allowed: a build may ${ref.kind === 'FROM' ? 'start' : 'copy'} from ${allowed}${why}`);
  };
  const pins: { ref: ImageRef; id: string }[] = [];
  for (const ref of refs) {
    const image = REFERENCE.test(ref.image) ? await policy.lookup(ref.image) : null;
    if (!image || !IMAGE_ID.test(image.id)) throw refuse(ref, '; there is no registry to pull other images from');
    const build = image.labels[BUILD_LABEL] ?? '';
    const allowed = stackIds.has(image.id) || (buildId.safeParse(build).success && (await policy.ownsBuild(build)));
    if (!allowed) throw refuse(ref, '; there is no registry to pull other images from');
    if (ref.kind === 'FROM' && triggersCopyFrom(image.onBuild)) throw refuse(ref, `; ${ref.written} has an ONBUILD COPY --from, which would copy from an unchecked image`);
    pins.push({ ref, id: image.id });
  }
  return { text: pinRefs(text, pins), pinned: pins.map(({ ref, id }) => ({ written: ref.written, id })) };
}

/** Looks images up the way the engine's build does (name, tag, registry prefix, id or id prefix). */
export function engineLookup(docker: Docker): BaseImagePolicy['lookup'] {
  return async (reference) => {
    try {
      const image = await docker.getImage(reference).inspect();
      return { id: image.Id, labels: image.Config?.Labels ?? {}, onBuild: image.Config?.OnBuild ?? [] };
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 400) return null;
      throw err;
    }
  };
}
