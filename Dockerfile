# VSOP Events – production image: gunicorn behind a TLS-terminating proxy.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# Pango/HarfBuzz and fonts for WeasyPrint, which renders the PDF documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

RUN useradd --system --uid 1000 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/media \
    && chown app:app /app/media

COPY . .

# Static files are collected into the image (WhiteNoise serves them). The key
# exists only for this command; the real one comes from .env at run time.
RUN SECRET_KEY=collectstatic-build-only python manage.py collectstatic --noinput

USER app

EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
# gunicorn takes its number of workers from WEB_CONCURRENCY; its control
# socket is not needed in a container.
# The access log leaves out personal-link secrets (vsop_events/gunicorn_logging.py).
CMD ["gunicorn", "vsop_events.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--no-control-socket", \
     "--logger-class", "vsop_events.gunicorn_logging.RedactingLogger"]
