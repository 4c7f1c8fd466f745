#!/usr/bin/env bash
# The one start command (npm start): install, make sure PostgreSQL and Redis are up, then run the
# service, which creates/migrates/seeds the database and serves the API, workers and sandbox.
# Production runs the build instead (npm run build; node dist/server.js; README "Deploy").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-services.sh
# ROLES unset (plain `npm start`, outside production): sandbox, workers and API as three child
# processes under scripts/dev-supervisor.ts, so one crash does not take the others down.
# ROLES set (start:api, start:worker, start:sandbox, or ROLES=all for a single process): as asked.
if [ -z "${ROLES:-}" ] && [ "${NODE_ENV:-development}" != production ]; then
  exec node_modules/.bin/tsx scripts/dev-supervisor.ts
fi
exec node_modules/.bin/tsx server.ts "$@"
