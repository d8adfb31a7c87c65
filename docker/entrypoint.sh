#!/bin/sh
# Bring the database up to date, then run the container's command (gunicorn
# by default). The worker sets MIGRATE=0 so that only the web container
# migrates and two containers never run migrations at the same time.
set -e

if [ "${MIGRATE:-1}" = "1" ]; then
    python manage.py migrate --noinput
    # Creates the table for CACHE_URL=dbcache://…; does nothing for other caches.
    python manage.py createcachetable
fi

exec "$@"
