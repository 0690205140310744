# syntax=docker/dockerfile:1
# osc-mcp: the compiled server on plain node, production dependencies only, as a non-root
# user. Configuration comes from the environment at run time (README "Configuration");
# nothing secret is baked in. Build: docker build -t osc-mcp .   Guide: docs/deploy-docker.md
# test/integration/deploy/dockerfile.test.ts runs these steps as a script.

ARG NODE_VERSION=24

# --- build: compile src/ to dist/ with the dev dependencies (the TypeScript compiler)
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies and dist/ only; no compiler, no TypeScript loader
FROM node:${NODE_VERSION}-slim AS runtime
ENV NODE_ENV=production PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/dist ./dist
# npm start / npm run admin check for a build first (no compiler here: they only check).
COPY scripts/ensure-build.mjs ./scripts/
# The base image's unprivileged user (uid 1000); the app files stay root-owned, read-only to it.
USER node
EXPOSE 8080
# The slim image has no curl: node's own fetch. /healthz answers while the process serves HTTP.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the server stops accepting, drains requests in flight for up to 8 s, exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
