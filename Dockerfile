# syntax=docker/dockerfile:1.7
# The service runs TypeScript directly through tsx (a production dependency), so there is no
# compile stage: one stage installs production dependencies, the other is the runtime.
# Pin the base by digest in CI (docker buildx imagetools inspect node:20.20.2-bookworm-slim).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# --ignore-scripts: no install script runs at build; esbuild (tsx's engine) only needs its
# platform package, which npm installs as an optional dependency. The smoke test proves it.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund --ignore-scripts \
 && node -e "require('esbuild').transformSync('const n: number = 1', { loader: 'ts' })"

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# Code and dependencies stay owned by root: the service cannot rewrite itself.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
# The only writable places when the root filesystem is read-only: embedded database and file
# logs (Kubernetes and compose mount volumes here; /tmp is mounted too, for tsx's cache).
RUN mkdir -p /app/data /app/logs && chown 1000:1000 /app/data /app/logs
# uid 1000 is the image's `node` user; numeric so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 9091
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start` without npm: signals reach node directly; --import loads Sentry before Fastify.
CMD ["node", "--import", "tsx", "--import", "./src/instrument.ts", "src/server.ts"]
