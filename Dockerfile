# One image for every Pystol process; the command chooses which:
#   web (default)   node_modules/.bin/next start -H 0.0.0.0 -p 3000
#   worker          node --import tsx workers/worker.ts
#   migrations      node --import tsx prisma/migrate.ts deploy
#   sandbox         node --import tsx workers/sandbox.ts
# docker-compose.yml shows all four. Processes start without npm, so signals reach node
# directly and nothing needs a writable npm cache.

# --- dependencies, exactly as locked (the postinstall step generates the Prisma client)
FROM node:20-bookworm-slim AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma/schema.prisma prisma/schema.prisma
COPY scripts/prisma-generate.sh scripts/prisma-generate.sh
RUN npm ci

# --- production build, then only what runs is kept
FROM deps AS build
COPY . .
RUN bash scripts/prisma-generate.sh \
 && npx next build \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf .next/cache .data

# --- runtime: no compilers, no dev dependencies, not root
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_CACHE=/tmp/.npm \
    PORT=3000 \
    WORKER_HEALTH_HOST=0.0.0.0 \
    WORKER_HEALTH_PORT=9464
RUN groupadd --system --gid 10001 pystol \
 && useradd --system --uid 10001 --gid pystol --home-dir /app --no-create-home pystol
# The code stays root-owned (read-only to the service); only Next.js's cache is writable
COPY --from=build --chown=root:root /app /app
# (and the sandbox's data folder, a volume in docker-compose.yml).
RUN mkdir -p /app/.next/cache /data/sandbox \
 && chown -R pystol:pystol /app/.next/cache /data/sandbox
USER pystol
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# One web process per CPU the container may use (WEB_CONCURRENCY overrides), see server.mjs.
CMD ["node", "server.mjs", "-H", "0.0.0.0", "-p", "3000"]
