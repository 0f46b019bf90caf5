#!/usr/bin/env bash
# Starts the whole Misty system on http://127.0.0.1:5080 (MISTY_URLS overrides): a private PostgreSQL under
# .misty/ unless MISTY_DB is set, migrations, demo data for an empty database, then Misty.Web with its
# co-hosted silo. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")"

for arg in "$@"; do
  case "$arg" in
    # A demo storefront inside Misty.Web shops through the public API a few times a second (README: Demo traffic).
    --demo-traffic) export MISTY_DEMO_TRAFFIC=1 ;;
    -h|--help) echo "usage: ./run.sh [--demo-traffic]"; exit 0 ;;
    *) echo "unknown option: $arg (usage: ./run.sh [--demo-traffic])" >&2; exit 2 ;;
  esac
done

root=$PWD
state="$root/.misty"
urls=${MISTY_URLS:-http://127.0.0.1:5080}
url=${urls%%;*}
export MISTY_URLS="$urls"

web_pid=""

cleanup() {
  trap - EXIT INT TERM
  if [ -n "$web_pid" ] && kill -0 "$web_pid" 2>/dev/null; then
    # Background jobs of a script ignore SIGINT; SIGTERM is what asks ASP.NET Core to shut down gracefully (and to
    # stop the private PostgreSQL it started).
    kill -TERM "$web_pid" 2>/dev/null || true
    wait "$web_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM

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

# Without MISTY_DB, each of these processes uses the private PostgreSQL under .misty/ (started if it is not running).
silo="dotnet src/Misty.Silo/bin/Release/net10.0/Misty.Silo.dll"
$silo migrate
$silo seed

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
