# syntax=docker/dockerfile:1.7
# Three stages: `build` bundles src/ (`npm run build`, all dependencies), `deps` installs
# production dependencies only, `runtime` gets those and build/: no src/, no tsx, no TypeScript.
# Base: Node 24 (the LTS line of .nvmrc) on Debian 13 trixie slim. Pin it by digest in CI:
#   docker build --build-arg NODE_IMAGE=node:24.21.0-trixie-slim@sha256:<digest> .
# (digest from `docker buildx imagetools inspect node:24.21.0-trixie-slim`).
ARG NODE_IMAGE=node:24.21.0-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Development dependencies too (the bundler and tsx, which runs its script). --ignore-scripts: no
# install script runs at build; the bundler's binary comes as a platform package, with no script.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY bundle ./bundle
COPY src ./src
# The bundle in build/ (with its source map), plus the files it does not hold (the admin page's
# assets). Types are checked in CI (npm run typecheck), before an image is built.
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# A service user of uid/gid 10001, above the range of host users (a container escaping as this
# uid owns nothing on the node); numeric in USER so runAsNonRoot can verify it. The only writable
# places when the root filesystem is read-only: embedded database and file logs (Kubernetes and
# compose mount volumes here, and /tmp for scratch files and reports).
RUN groupadd --system --gid 10001 feexpay \
 && useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin feexpay \
 && mkdir -p /app/data /app/logs && chown 10001:10001 /app/data /app/logs
# Code and dependencies stay owned by root: the service cannot rewrite itself.
COPY --from=deps /app/node_modules ./node_modules
# package.json's "type": "module" makes build/*.js ES modules.
COPY package.json ./
COPY --from=build /app/build ./build
USER 10001:10001
EXPOSE 3000 9091
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` without npm (and without its prestart build): signals reach node directly;
# source-maps.js points the stack traces of build/ at src/ lines, then instrument.js loads Sentry
# before Fastify; the V8 flags bound the heap (docs/benchmarks.md).
CMD ["node", "--max-semi-space-size=8", "--max-old-space-size=384", "--import", "./build/source-maps.js", "--import", "./build/instrument.js", "build/server.js"]
