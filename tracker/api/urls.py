"""The API's addresses, under /api/v1/ (tracker/urls.py includes them).

Every endpoint is exempt from the site's LoginRequiredMiddleware, which would answer an API
client with a redirect to the log-in page (DRF's views are by default; `open_view` says so where
it is read): the API authenticates by itself (token or session) and answers 401 as problem details.
"""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import readouts, reports, views, writes
from .docs import ApiDocs


def open_view(view_class, **options):
    return login_not_required(view_class.as_view(**options))


urlpatterns = [
    path("commitments/", open_view(views.CommitmentList), name="api-commitment-list"),
    path("commitments/<int:pk>/", open_view(views.CommitmentDetail), name="api-commitment-detail"),
    path(
        "commitments/<int:pk>/status/",
        open_view(writes.CommitmentStatus),
        name="api-commitment-status",
    ),
    path(
        "commitments/<int:pk>/follow-ups/",
        open_view(writes.FollowUpCreate),
        name="api-followup-create",
    ),
    path("meetings/", open_view(views.MeetingList), name="api-meeting-list"),
    path("meetings/<int:pk>/", open_view(views.MeetingDetail), name="api-meeting-detail"),
    path("follow-ups/", open_view(views.FollowUpList), name="api-followup-list"),
    path("themes/", open_view(views.ThemeList), name="api-theme-list"),
    path("divisions/", open_view(views.DivisionList), name="api-division-list"),
    path("people/", open_view(views.PersonList), name="api-person-list"),
    path("reports/weekly/", open_view(reports.WeeklyReportJson), name="api-report"),
    path("reports/weekly/<str:fmt>/", open_view(reports.WeeklyReportFile), name="api-report-file"),
    path("readouts/draft/", open_view(readouts.ReadoutDraft), name="api-readout-draft"),
    path("readouts/", open_view(readouts.ReadoutSave), name="api-readout-save"),
    path("schema/", open_view(SpectacularAPIView), name="api-schema"),
    # A page for people: a visitor without a session is sent to log in, as on every page.
    path("docs/", login_required(ApiDocs.as_view(url_name="api-schema")), name="api-docs"),
    re_path(r"^.*$", open_view(views.NotFoundView), name="api-not-found"),
]
