import type { BuildPlan } from '../detect/detect.ts';

const OWNER = '--chown=1000:1000';

/**
 * A Dockerfile for a detected app. The Node install step copies only the manifest,
 * lockfile and local dependencies first, so an unchanged lockfile re-uses the
 * installed-modules layer from the build cache.
 */
export function generateDockerfile(plan: BuildPlan, stackImage: string): string {
  const lines = [`FROM ${stackImage}`, 'WORKDIR /app', 'USER app', 'ARG NPM_CONFIG_REGISTRY'];
  if (plan.kind === 'node' && plan.node) {
    const { lockfile, hasBuildScript, localDeps } = plan.node;
    lines.push(`COPY ${OWNER} ${json(['package.json', ...(lockfile ? [lockfile] : []), './'])}`);
    for (const dir of localDeps) lines.push(`COPY ${OWNER} ${json([dir, `./${dir}`])}`);
    lines.push(`RUN ${lockfile ? 'npm ci' : 'npm install'} --no-audit --no-fund`);
    lines.push(`COPY ${OWNER} . .`);
    if (hasBuildScript) lines.push('RUN npm run build');
  } else {
    lines.push(`COPY ${OWNER} . .`);
  }
  lines.push('ENV PORT=5000 NODE_ENV=production', 'EXPOSE 5000');
  const web = plan.processTypes.web;
  if (web) lines.push(`CMD ["/bin/sh", "-c", ${json(web)}]`);
  return `${lines.join('\n')}\n`;
}

const json = (value: string | string[]): string => JSON.stringify(value);
