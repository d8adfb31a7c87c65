"""Production settings plus a hello-world URL for the benchmarks (bench/urls.py).

Used only by bench/*.py through DJANGO_SETTINGS_MODULE=bench.settings; the app's
own settings and URLs stay untouched.
"""

from vsop_events.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
