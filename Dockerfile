# escalation-engine: one image, two entry points.
#   default CMD  the HTTP API      (node --import tsx src/api-main.ts)
#   override     the Temporal worker (node --max-old-space-size=512 --import tsx src/worker-main.ts; see docker-compose.yml)
#
# The app runs its TypeScript sources through tsx, exactly as in development, so the image carries
# the source tree: the worker bundles workflows/ at start-up and the email activities read each
# playbook's .mjml templates (workflows/<playbook>/templates/) at run time. No build step, no dist/.
#
# The entry points are started with node directly, never through `npm start`: its `prestart` hook
# runs scripts/setup.mjs, which installs dev tooling (Temporal CLI binaries) a container must not need.

# Pinned for reproducible builds (package.json engines: node >=20.19). Bump deliberately.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- deps: production node_modules only -----------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# `npm install` with the lock file (not `npm ci`, which rejects a lock that lacks other platforms'
# optional @swc/core builds) runs no lifecycle script of this package, so scripts/setup.mjs is never
# called. Dependencies' own install scripts (@swc/core, esbuild) only check their platform packages.
RUN --mount=type=cache,target=/root/.npm \
    npm install --omit=dev --no-audit --no-fund

# --- runtime ----------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Code and dependencies stay owned by root: the unprivileged `node` user can read but not alter them.
# Nothing in the API or worker writes under /app (DATA_DIR is only used by the embedded dev server
# of `npm start`); tsx keeps its transform cache in the OS temp directory.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# The example directory, so the image starts on its own; docker-compose.yml mounts ./config over it.
COPY config ./config

USER node
EXPOSE 3000

# Liveness of the API (GET /healthz). slim images have no curl: use node's fetch.
# The worker serves no HTTP: docker-compose.yml disables this check for it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "--import", "tsx", "src/api-main.ts"]
