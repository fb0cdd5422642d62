/**
 * Base images a Dockerfile pulls in: every `FROM` that is not `scratch` or an
 * earlier stage. Images named through build args (`$VAR`) cannot be checked and are skipped.
 */
export function baseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  const logical = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of logical) {
    const m = /^\s*FROM\s+(.*)$/i.exec(line);
    if (!m?.[1]) continue;
    const words = m[1].trim().split(/\s+/).filter((w) => !w.startsWith('--'));
    const [image, as, stage] = words;
    if (image && image.toLowerCase() !== 'scratch' && !stages.has(image.toLowerCase()) && !image.includes('$')) images.push(image);
    if (as?.toLowerCase() === 'as' && stage) stages.add(stage.toLowerCase());
  }
  return [...new Set(images)];
}
