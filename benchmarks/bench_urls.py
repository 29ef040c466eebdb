"""The tracker's addresses plus `bare/`: the cheapest page behind the same log-in and middleware,
the yardstick every page's throughput is divided by."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET


@require_GET
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare, name="bench-bare"), path("", include("tracker.urls"))]
