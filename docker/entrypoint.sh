#!/bin/sh
# Bring the database up to date, then run the container's command (gunicorn
# by default). The worker and the scheduler set MIGRATE=0: only web containers
# migrate, and those one at a time (migrate_locked holds a PostgreSQL lock).
set -e

if [ "${MIGRATE:-1}" = "1" ]; then
    python manage.py migrate_locked
fi

exec "$@"
