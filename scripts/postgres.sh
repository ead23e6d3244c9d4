#!/usr/bin/env bash
# Start a throw-away PostgreSQL server on loopback for the tests; print its URL.
#   eval "$(scripts/postgres.sh start)"   → exports JTBD_TEST_DATABASE_URL and JTBD_PG_DIR
#   scripts/postgres.sh stop              → stops it and removes its folder
# Needs PostgreSQL's initdb/pg_ctl on PATH; as root it runs the server as the 'postgres' user.
set -euo pipefail
PORT="${JTBD_PG_PORT:-55432}"
case "${1:-}" in
  start)
    command -v initdb >/dev/null && command -v pg_ctl >/dev/null || {
      echo "echo 'PostgreSQL not installed: API tests run on SQLite only' >&2"; exit 0; }
    dir="$(mktemp -d /tmp/jtbd-pg.XXXXXX)"
    run=(bash -c)
    if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; run=(su postgres -s /bin/bash -c); fi
    "${run[@]}" "initdb -D '$dir/data' -A trust -U postgres >/dev/null && \
      pg_ctl -D '$dir/data' -o '-k $dir -h 127.0.0.1 -p $PORT' -l '$dir/log' -w start >/dev/null" >&2
    echo "export JTBD_PG_DIR='$dir'"
    echo "export JTBD_TEST_DATABASE_URL='postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres'"
    ;;
  stop)
    [ -n "${JTBD_PG_DIR:-}" ] && [ -d "$JTBD_PG_DIR" ] || exit 0
    run=(bash -c)
    [ "$(id -u)" = 0 ] && run=(su postgres -s /bin/bash -c)
    "${run[@]}" "pg_ctl -D '$JTBD_PG_DIR/data' -m fast -w stop >/dev/null" || true
    rm -rf "$JTBD_PG_DIR"
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
