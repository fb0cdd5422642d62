import Docker from 'dockerode';

/** Removes the images a test run built on the control plane's engine for these apps, whatever step failed. */
export async function removeBuiltImages(apps: Iterable<string>, sinceSec: number): Promise<void> {
  const names = new Set(apps);
  const docker = new Docker();
  const built = await docker.listImages({ filters: { label: ['slipway.app'] } }).catch(() => []);
  for (const i of built.filter((i) => names.has(i.Labels?.['slipway.app'] ?? '') && i.Created >= sinceSec)) {
    await docker.getImage(i.Id).remove({ force: true }).catch(() => {});
  }
}
