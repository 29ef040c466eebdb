"""The interactive docs (Swagger UI) at /api/v1/docs/, served by the app under its CSP.

drf-spectacular's split view serves Swagger UI's set-up script as a file of its own (`?script`),
not inline, so the page needs no 'unsafe-inline'; the assets come from drf-spectacular-sidecar.
The page's template leaves out the library's inline <style>, which the policy would refuse.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "tracker/api/swagger_ui.html"
    # A page: OPTIONS would describe it through the HTML renderer, which has no template for that.
    http_method_names = ["get", "head"]
