# The platform's own image: every Slipway process runs from it with a different command.
# BASE defaults to the stack image Slipway builds locally (no registry needed);
# on a machine with registry access, --build-arg BASE=node:20-bookworm-slim works too.
ARG BASE=slipway/stack-node:20
FROM ${BASE}
WORKDIR /opt/slipway
COPY package.json package-lock.json ./
COPY apps ./apps
COPY packages ./packages
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.base.json ./
RUN npm ci --no-audit --no-fund && npm run db:generate
ENV NODE_ENV=production
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]
