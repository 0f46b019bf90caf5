#!/usr/bin/env bash
# Starts the whole Misty system on http://127.0.0.1:5080 (MISTY_URLS overrides): a private PostgreSQL under
# .misty/ unless MISTY_DB is set, migrations, demo data for an empty database, then Misty.Web with its
# co-hosted silo. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
state="$root/.misty"
urls=${MISTY_URLS:-http://127.0.0.1:5080}
url=${urls%%;*}
export MISTY_URLS="$urls"

pg_bin=""
pg_data="$state/postgres"
pg_port=${MISTY_PG_PORT:-55080}
web_pid=""
started_pg=""

as_pg_owner() {
  # PostgreSQL refuses to run as root: run its tools as the unprivileged 'postgres' user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  trap - EXIT INT TERM
  if [ -n "$web_pid" ] && kill -0 "$web_pid" 2>/dev/null; then
    # Background jobs of a script ignore SIGINT; SIGTERM is what asks ASP.NET Core to shut down gracefully.
    kill -TERM "$web_pid" 2>/dev/null || true
    wait "$web_pid" 2>/dev/null || true
  fi
  if [ -n "$started_pg" ]; then
    as_pg_owner "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null 2>&1 || true
    echo "Stopped the private PostgreSQL."
  fi
}
trap cleanup EXIT INT TERM

find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
}

start_private_postgres() {
  pg_bin=$(find_pg_bin)
  if [ -z "$pg_bin" ]; then
    cat >&2 <<MSG
PostgreSQL server binaries (initdb, pg_ctl) were not found.
  Install them:            sudo apt-get install -y postgresql
  Or use your own server:  MISTY_DB="Host=...;Database=misty;Username=...;Password=..." ./run.sh
  Or try the embedded in-memory default (nothing is saved): MISTY_IN_MEMORY=1 ./run.sh
MSG
    if [ -t 0 ]; then
      read -r -p "Start the in-memory default now? [y/N] " answer
      if [ "${answer,,}" = y ]; then export MISTY_IN_MEMORY=1; return; fi
    fi
    exit 1
  fi

  mkdir -p "$state"
  local password_file="$state/postgres-password"
  if [ ! -s "$password_file" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
  fi
  if [ "$(id -u)" = 0 ]; then chown postgres "$state" "$password_file"; fi

  if [ ! -f "$pg_data/PG_VERSION" ]; then
    echo "Creating a private PostgreSQL cluster in $pg_data ..."
    as_pg_owner "$pg_bin/initdb" -D "$pg_data" -U misty --pwfile="$password_file" -A scram-sha-256 -E UTF8 >/dev/null
  fi
  # max_connections: Npgsql pools up to 100 connections per data source, above PostgreSQL's default of 100.
  if ! as_pg_owner "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    as_pg_owner "$pg_bin/pg_ctl" -D "$pg_data" -l "$state/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories='$state' -c max_connections=200" start >/dev/null
    started_pg=1
    echo "Private PostgreSQL is running on 127.0.0.1:$pg_port (log: .misty/postgres.log)."
  fi
  local password
  password=$(cat "$password_file")
  if ! PGPASSWORD="$password" psql -h 127.0.0.1 -p "$pg_port" -U misty -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'misty'" | grep -q 1; then
    PGPASSWORD="$password" psql -h 127.0.0.1 -p "$pg_port" -U misty -d postgres -qc "CREATE DATABASE misty" >/dev/null
  fi
  export MISTY_DB="Host=127.0.0.1;Port=$pg_port;Database=misty;Username=misty;Password=$password"
}

if [ -z "${MISTY_DB:-}" ] && [ -z "${MISTY_IN_MEMORY:-}" ]; then
  start_private_postgres
fi

# The key that encrypts the Data Protection key ring in the database: made once, kept beside the database files and
# never in it, so that a copy of the database alone cannot mint tokens. Back it up with the database.
if [ -z "${MISTY_KEYRING_KEY:-}" ] && [ -z "${MISTY_KEYRING_KEY_FILE:-}" ]; then
  mkdir -p "$state"
  if [ ! -s "$state/keyring-key" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 > "$state/keyring-key")
  fi
  export MISTY_KEYRING_KEY_FILE="$state/keyring-key"
fi

echo "Building Misty ..."
dotnet build src/Misty.Web/Misty.Web.csproj src/Misty.Silo/Misty.Silo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null 2>&1 \
  || dotnet build src/Misty.Web/Misty.Web.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet build src/Misty.Silo/Misty.Silo.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null

silo="dotnet src/Misty.Silo/bin/Release/net10.0/Misty.Silo.dll"
if [ -n "${MISTY_DB:-}" ]; then
  $silo migrate
  $silo seed
fi

# A server under steady load: let tiered compilation promote hot methods (with dynamic PGO) as soon as they are hot,
# instead of waiting for a 100 ms pause in new JIT work that a busy server rarely has. Only an environment variable
# sets this runtime knob.
DOTNET_TC_CallCountingDelayMs=${DOTNET_TC_CallCountingDelayMs:-0} \
  dotnet src/Misty.Web/bin/Release/net10.0/Misty.Web.dll --contentRoot "$root/src/Misty.Web" &
web_pid=$!

for _ in $(seq 1 240); do
  if ! kill -0 "$web_pid" 2>/dev/null; then
    echo "Misty.Web exited before it was ready." >&2
    exit 1
  fi
  if curl -fsS "$url/health/ready" >/dev/null 2>&1; then
    echo "Misty is ready at $url  (staff login: ${MISTY_ADMIN_EMAIL:-admin@misty.local}; the first run prints a generated password above unless MISTY_ADMIN_PASSWORD is set)"
    break
  fi
  sleep 0.5
done
wait "$web_pid"
