# syntax=docker/dockerfile:1
# The connector's image: one image for every process; ROLES picks api or worker at run time, and the
# same image runs the one-shot migrate job (`node dist/scripts/db-seed.js`) and, for demos, the sandbox.
ARG NODE_VERSION=24

# 1. Build: all dependencies, type-check and compile to dist/ (npm run build).
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json server.ts ./
COPY scripts ./scripts
COPY src ./src
COPY jobs ./jobs
COPY db ./db
COPY sandbox ./sandbox
RUN npm run build

# 2. Production dependencies only: no TypeScript, tsx, vitest or pino-pretty in the final image.
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. Runtime: compiled code and production node_modules, run as the unprivileged `node` user.
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
# API (PORT) and a worker-only process's /health, /ready, /metrics (WORKER_HTTP_PORT).
EXPOSE 3000 3001
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 CMD ["node", "dist/scripts/healthcheck.js"]
# Node itself is PID 1 and receives SIGTERM: the graceful shutdown finishes requests and jobs first.
CMD ["node", "dist/server.js"]
