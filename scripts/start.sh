#!/usr/bin/env bash
# The one start command (npm start): install, make sure PostgreSQL and Redis are up, then run the
# service, which creates/migrates/seeds the database and serves the API, workers and sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-services.sh
exec node_modules/.bin/tsx server.ts "$@"
