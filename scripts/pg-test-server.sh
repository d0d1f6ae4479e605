#!/usr/bin/env bash
# pg-test-server.sh — a throwaway PostgreSQL server for the tests of
# internal/postgres (Debian's postgresql package):
#
#   eval "$(scripts/pg-test-server.sh start DIR)"   # sets CRM_TEST_PG
#   go test ./internal/postgres
#   scripts/pg-test-server.sh stop DIR
#
# The server keeps its data in DIR, listens on 127.0.0.1 at a free port
# and on a socket in DIR, checks passwords on TCP (scram-sha-256, so that a
# wrong password is refused as on a team's server) and skips fsync: its
# data is thrown away (FSYNC=on keeps it, for benchmarks of writes). Run as
# root, it runs the server as user postgres.
set -euo pipefail
cmd=${1:?usage: pg-test-server.sh start|stop DIR} dir=${2:?usage: pg-test-server.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "pg-test-server.sh: no PostgreSQL server installed (apt-get install postgresql)" >&2; exit 1; }
as() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
case $cmd in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  pw=crm-test-$$
  echo "$pw" > "$dir.pw"
  [ "$(id -u)" = 0 ] && chown postgres "$dir.pw"
  as "'$bin/initdb' -D '$dir' -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile='$dir.pw'" >"$dir.log" 2>&1 ||
    { cat "$dir.log" >&2; exit 1; }
  rm -f "$dir.pw"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as "'$bin/pg_ctl' -D '$dir' -l '$dir/server.log' -w -o \"-k '$dir' -c listen_addresses=127.0.0.1 -p $port -c fsync=${FSYNC:-off} -c max_connections=200\" start" >>"$dir.log" 2>&1 ||
    { cat "$dir.log" "$dir/server.log" >&2; exit 1; }
  echo "export CRM_TEST_PG='postgres://postgres:$pw@127.0.0.1:$port/postgres?sslmode=disable'"
  ;;
stop)
  as "'$bin/pg_ctl' -D '$dir' -m fast -w stop" >/dev/null 2>&1 || true
  rm -rf "$dir" "$dir.log"
  ;;
*) echo "usage: pg-test-server.sh start|stop DIR" >&2; exit 2 ;;
esac
