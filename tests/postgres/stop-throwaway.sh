#!/usr/bin/env bash
# Stops a cluster started by start-throwaway.sh and removes its temporary directory.
set -euo pipefail
dir=${1:?usage: stop-throwaway.sh DIR}
case "$dir" in /tmp/pmosync-postgres-*) ;; *) echo "not a throw-away cluster: $dir" >&2; exit 1 ;; esac
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ -d "$dir/data" ]; then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  else sudo -u postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
fi
rm -rf "$dir"
