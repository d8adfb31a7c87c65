"""The site's URLs plus /bench/hello/: the same project, middleware and server, no view work.

Its throughput is the ceiling the real pages are compared against.
"""

from django.http import HttpResponse
from django.urls import path

from vsop_events.urls import handler404, handler500  # noqa: F401
from vsop_events.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello, world\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *site_urlpatterns]
