#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer. Starts them when installed but stopped; with --install
# (CI), installs them from Debian's packages when missing; otherwise says exactly what to install.
# Only local services (127.0.0.1/localhost) are started; a remote DATABASE_URL/REDIS_URL is only checked.
set -euo pipefail

install=false
[ "${1:-}" = "--install" ] && install=true

db_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
# host and port out of postgres://user@host:port/db and redis://host:port
db_host=$(sed -E 's#^[a-z]+://([^@/]*@)?([^:/]+).*#\2#' <<<"$db_url")
db_port=$(sed -nE 's#^[a-z]+://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$db_url"); db_port=${db_port:-5432}
redis_host=$(sed -E 's#^[a-z]+://([^@/]*@)?([^:/]+).*#\2#' <<<"$redis_url")
redis_port=$(sed -nE 's#^[a-z]+://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$redis_url"); redis_port=${redis_port:-6379}
is_local() { [ "$1" = 127.0.0.1 ] || [ "$1" = localhost ] || [ "$1" = ::1 ]; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

pg_up() { pg_isready -q -h "$db_host" -p "$db_port" 2>/dev/null; }
redis_up() { [ "$(redis-cli -h "$redis_host" -p "$redis_port" ping 2>/dev/null)" = PONG ]; }
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! pg_up; then
  if ! is_local "$db_host"; then echo "PostgreSQL at $db_host:$db_port does not answer (DATABASE_URL)." >&2; exit 1; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if $install; then
      echo "Installing PostgreSQL from Debian's packages..."
      as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
      ver=$(ls /etc/postgresql | sort -V | tail -1)
      # Local trust auth for the postgres user over TCP, as the test and start commands expect.
      as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "/etc/postgresql/$ver/main/pg_hba.conf"
    else
      echo "PostgreSQL is not installed. Install it with: sudo apt-get install -y postgresql postgresql-contrib" >&2
      echo "(then allow local trust auth for user postgres over 127.0.0.1, or set DATABASE_URL with a password)" >&2
      exit 1
    fi
  fi
  echo "Starting PostgreSQL..."
  for ver in $(ls /etc/postgresql); do as_root pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true; done
  wait_for pg_up || { echo "PostgreSQL did not come up on $db_host:$db_port." >&2; exit 1; }
fi

if ! redis_up; then
  if ! is_local "$redis_host"; then echo "Redis at $redis_host:$redis_port does not answer (REDIS_URL)." >&2; exit 1; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if $install; then
      echo "Installing Redis from Debian's packages..."
      as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    else
      echo "Redis is not installed. Install it with: sudo apt-get install -y redis-server" >&2
      exit 1
    fi
  fi
  # Kept under the user's state directory, not /tmp, so queued work survives a reboot as well.
  redis_dir=${XDG_STATE_HOME:-$HOME/.local/state}/dtpc/redis
  echo "Starting Redis (data in $redis_dir)..."
  mkdir -p "$redis_dir"
  # noeviction: BullMQ must never lose queue keys to eviction; AOF: nor lose them to a restart
  # (the settings production needs, README "Deploy").
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --maxmemory-policy noeviction \
    --appendonly yes --appendfsync everysec --dir "$redis_dir" --logfile "$redis_dir/redis.log"
  wait_for redis_up || { echo "Redis did not come up on $redis_host:$redis_port." >&2; exit 1; }
fi
