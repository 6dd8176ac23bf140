# syntax=docker/dockerfile:1
# Production image of the Bianca server. Build: `docker build -t bianca .`
# Runtime needs DATABASE_URL, REDIS_URL, JWT_SECRET, ENCRYPTION_KEY and AUDIT_SIGNING_KEY
# (NODE_ENV=production refuses to start without them); see README.md and .env.example.

# ---- build: install everything (the build needs dev dependencies such as @swc/core), compile,
# then drop dev dependencies so the runtime stage copies production modules only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY drizzle ./drizzle
RUN node scripts/build.cjs && npm prune --omit=dev --no-audit --no-fund

# ---- runtime
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=3000
WORKDIR /app
# package.json marks the project root (migrations are found next to it, in drizzle/).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/drizzle ./drizzle
# DATA_DIR holds the e-mail outbox, audit checkpoints and recordings: writable by the app user only.
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
# The image's unprivileged `node` user (uid 1000).
USER node
EXPOSE 3000
# No curl in the slim image: ask Node. 200 only when the database, migrations and Redis are ready.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/apps/server/src/main.js"]
