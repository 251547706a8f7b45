#!/bin/sh
# Runs a command with the application's environment (for cron): with-env.sh conserverie clearsessions
set -eu
ENV_FILE="${CONSERVERIE_ENV_FILE:-/etc/conserverie/conserverie.env}"
APP_DIR="${CONSERVERIE_APP_DIR:-/opt/conserverie}"
set -a
# shellcheck disable=SC1090
. "$ENV_FILE"
set +a
PATH="$APP_DIR/.venv/bin:$PATH"
export PATH
exec "$@"
