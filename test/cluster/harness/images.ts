import { readFile } from 'node:fs/promises';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { ensureStackImage } from '../../../apps/builder/src/stack/stack-image.ts';
import type { TestNode } from './nodes.ts';

export const TEST_IMAGE = 'slipway-test/cluster-app:1';

/** Builds the test app on the machine's engine, FROM the stack image the builder makes. */
export async function buildTestImage(): Promise<void> {
  const docker = new Docker();
  const stack = await ensureStackImage(docker);
  const tar = pack();
  tar.entry({ name: 'Dockerfile' }, `FROM ${stack}\nCOPY server.js /app/server.js\nUSER app\nCMD ["node", "/app/server.js"]\n`);
  tar.entry({ name: 'server.js' }, await readFile(new URL('../fixtures/server.js', import.meta.url), 'utf8'));
  tar.finalize();
  const stream = await docker.buildImage(tar as unknown as NodeJS.ReadableStream, { t: TEST_IMAGE });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err, out) => {
    const failed = (out as { error?: string }[] | undefined)?.find((o) => o.error);
    if (err || failed) reject(err ?? new Error(failed!.error)); else resolve(null);
  }));
}

/** No registry: ship the image to a node's engine with save | load. */
export async function shipImage(node: TestNode, image = TEST_IMAGE): Promise<void> {
  const saved = await new Docker().getImage(image).get();
  const res = await node.docker.loadImage(saved);
  await new Promise((resolve, reject) => node.docker.modem.followProgress(res, (err) => (err ? reject(err) : resolve(null))));
}
