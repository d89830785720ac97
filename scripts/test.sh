#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL when one is reachable.
# Under CI (CI=true) PostgreSQL and chromium are required; elsewhere a missing
# PostgreSQL is reported and skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${SETIA_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/test}

$BIN/setia buildmessages >/dev/null

echo "== tests on SQLite"
$BIN/python -m pytest "$@"

pg_up() { $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except Exception:
    sys.exit(1)
PY
}

if ! pg_up && [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  sleep 2
fi
if pg_up; then
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL=$PG_URL $BIN/python -m pytest "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $PG_URL and CI requires it" >&2
  exit 1
else
  echo "!! PostgreSQL skipped: nothing answers at $PG_URL (SQLite run passed)."
fi
