#!/usr/bin/env bash
# Starts a throw-away PostgreSQL cluster on 127.0.0.1 for the storage tests: a free port, a temporary data directory,
# run as the `postgres` user (initdb refuses root), trust authentication on 127.0.0.1 only. Prints the connection
# string as `PMOSYNC_TEST_POSTGRES=...` on its last line; stop the cluster with tests/postgres/stop-throwaway.sh DIR
# (DIR is printed as `PMOSYNC_TEST_POSTGRES_DIR=...`).
#
#   eval "$(tests/postgres/start-throwaway.sh | grep '^PMOSYNC_TEST_POSTGRES')"
#   export PMOSYNC_TEST_POSTGRES PMOSYNC_TEST_POSTGRES_DIR
#   dotnet test tests/HubSpotPmoSync.Storage.Tests
#   tests/postgres/stop-throwaway.sh "$PMOSYNC_TEST_POSTGRES_DIR"
#
# Needs Debian's `postgresql` package (apt-get install -y postgresql); with --install it installs it when missing.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@";
  elif [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@";
  else sudo -u postgres "$@"; fi
}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  if [ "${1:-}" = "--install" ]; then
    echo "postgres: installing Debian's postgresql" >&2
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "postgres: no PostgreSQL server found under /usr/lib/postgresql/*/bin; install it with 'apt-get install -y postgresql' or run with --install" >&2
    exit 1
  fi
fi

# A free port: ask the kernel for one, then let PostgreSQL take it (a race with another process is possible but the
# start then fails loudly instead of sharing a server).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
  || shuf -i 20000-60000 -n 1)

dir=$(mktemp -d /tmp/pmosync-postgres-XXXXXX)
chown postgres:postgres "$dir" 2>/dev/null || as_root chown postgres:postgres "$dir"
chmod 700 "$dir"

as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
# Listen on 127.0.0.1 only; the socket goes into the temporary directory, not the system's.
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
CONF
cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA

as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

# Quoted, so that `eval` keeps the semicolons inside the value.
echo "PMOSYNC_TEST_POSTGRES_DIR='$dir'"
echo "PMOSYNC_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
