#!/bin/sh
# Daily backup with rotation (deploy/conserverie.cron): one file a day kept BACKUP_KEEP_DAYS days, the first of each
# month kept BACKUP_KEEP_MONTHS months. Each backup comes with FILE.manifest.json (rows and checksums per table).
# A SQLite backup is also restored into a scratch file at once: a backup that was never restored is a hope.
# Backups hold personal data: the folder is private to the service user; copy it off the machine (rsync, borg...).
set -eu
DIR="${BACKUP_DIR:-/var/backups/conserverie}"
KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
KEEP_MONTHS="${BACKUP_KEEP_MONTHS:-12}"
umask 077
mkdir -p "$DIR/daily" "$DIR/monthly"

case "${DATABASE_URL:-sqlite}" in
    postgres*|pgsql*) EXT=dump ;;
    *) EXT=sqlite3 ;;
esac
FILE="$DIR/daily/conserverie-$(date +%Y-%m-%d).$EXT"
conserverie backup "$FILE"

# The offers' photos live in MEDIA_ROOT, outside the database: archived beside it.
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
    tar -C "$MEDIA_ROOT" -czf "$DIR/daily/conserverie-media-$(date +%Y-%m-%d).tar.gz" .
fi

if [ "$EXT" = sqlite3 ]; then
    SCRATCH="$(mktemp -d)"
    trap 'rm -rf "$SCRATCH"' EXIT
    DATABASE_URL="sqlite:///$SCRATCH/check.sqlite3" conserverie restore "$FILE"
fi

if [ "$(date +%d)" = 01 ]; then
    cp -p "$FILE" "$FILE.manifest.json" "$DIR/monthly/"
fi
find "$DIR/daily" -name 'conserverie-*' -mtime +"$KEEP_DAYS" -delete
find "$DIR/monthly" -name 'conserverie-*' -mtime +"$((KEEP_MONTHS * 31))" -delete
