from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from .views import agreed_language as agreed_language_views
from .views import (
    api_tokens,
    bulk,
    calendar_feeds,
    list_export,
    notifications,
    passkeys,
    readouts,
    reports,
    saved_views,
    schedules,
    search,
    two_factor,
    workspace,
)

urlpatterns = [
    path("", workspace.dashboard, name="dashboard"),
    path("commitments/", workspace.commitment_list, name="commitment-list"),
    path("commitments/bulk/", bulk.commitment_bulk_edit, name="commitment-bulk-edit"),
    path(
        "commitments/meeting-options/",
        workspace.commitment_meeting_options,
        name="commitment-meeting-options",
    ),
    path("commitments/export/<str:fmt>/", list_export.commitment_export, name="commitment-export"),
    path("commitments/<int:pk>/", workspace.commitment_detail, name="commitment-detail"),
    path(
        "commitments/<int:pk>/update/", workspace.commitment_update_form, name="commitment-update"
    ),
    path(
        "commitments/<int:pk>/reassign/", workspace.commitment_reassign, name="commitment-reassign"
    ),
    path(
        "commitments/<int:pk>/follow-ups/new/",
        workspace.followup_create,
        name="followup-create",
    ),
    path("commitments/<int:pk>/watch/", notifications.commitment_watch, name="commitment-watch"),
    path("notifications/", notifications.notification_list, name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        notifications.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notifications.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/settings/",
        notifications.notification_settings,
        name="notification-settings",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notifications.notification_unsubscribe,
        name="notification-unsubscribe",
    ),
    path("search/", search.search, name="search"),
    path("search/suggest/", search.search_suggest, name="search-suggest"),
    path(
        "commitments/<int:pk>/wording/",
        agreed_language_views.commitment_wording,
        name="commitment-wording",
    ),
    path("language/", agreed_language_views.agreed_language, name="agreed-language"),
    path("views/", saved_views.saved_view_list, name="saved-view-list"),
    path("views/new/", saved_views.saved_view_create, name="saved-view-create"),
    path("views/<int:pk>/", saved_views.saved_view_open, name="saved-view-open"),
    path("views/<int:pk>/edit/", saved_views.saved_view_update, name="saved-view-update"),
    path("views/<int:pk>/delete/", saved_views.saved_view_delete, name="saved-view-delete"),
    path("views/builtin/<slug:slug>/", saved_views.builtin_view_open, name="builtin-view-open"),
    path("meetings/", workspace.meeting_list, name="meeting-list"),
    path("meetings/search/", workspace.meeting_search, name="meeting-search"),
    path("meetings/<int:pk>/", workspace.meeting_detail, name="meeting-detail"),
    path("reports/weekly/", reports.report, name="report"),
    path("reports/weekly/download/<str:fmt>/", reports.report_download, name="report-download"),
    path("reports/weekly/issue/", reports.issue_report_page, name="report-issue"),
    path("reports/issued/", reports.issued_report_list, name="issued-report-list"),
    path(
        "reports/issued/<int:pk>/<str:fmt>/",
        reports.issued_report_download,
        name="issued-report-download",
    ),
    path("reports/schedules/", schedules.schedule_list, name="report-schedule-list"),
    path("reports/schedules/new/", schedules.schedule_create, name="report-schedule-create"),
    path("reports/schedules/<int:pk>/", schedules.schedule_update, name="report-schedule-update"),
    path(
        "reports/schedules/<int:pk>/delete/",
        schedules.schedule_delete,
        name="report-schedule-delete",
    ),
    path("health/jobs/", schedules.jobs_health_view, name="health-jobs"),
    path("readouts/import/", readouts.readout_import, name="readout-import"),
    path("calendar/", calendar_feeds.calendar_feeds, name="calendar-feeds"),
    path(
        "calendar/regenerate/",
        calendar_feeds.calendar_feed_regenerate,
        name="calendar-feed-regenerate",
    ),
    path("calendar/revoke/", calendar_feeds.calendar_feed_revoke, name="calendar-feed-revoke"),
    # The secret address calendar apps read without a session (the view is login_not_required).
    path("calendar/<slug:token>.ics", calendar_feeds.calendar_feed, name="calendar-feed"),
    path("accounts/login/", workspace.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second step after the password, and the enrolment a role may require (two_factor.py).
    path("accounts/two-factor/", two_factor.two_factor_verify, name="two-factor-verify"),
    path("accounts/two-factor/setup/", two_factor.two_factor_setup, name="two-factor-setup"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The language can be chosen on the log-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Passkeys: the ceremonies' JSON views (django-otp-webauthn's, wrapped to log) under the
    # package's own namespace, and renaming and removing one from the security settings.
    path("accounts/webauthn/", include((passkeys.webauthn_urlpatterns, "otp_webauthn"))),
    path(
        "settings/security/passkeys/<int:pk>/rename/",
        passkeys.passkey_rename,
        name="passkey-rename",
    ),
    path(
        "settings/security/passkeys/<int:pk>/remove/",
        passkeys.passkey_remove,
        name="passkey-remove",
    ),
    path("settings/security/", two_factor.security_settings, name="security-settings"),
    path(
        "settings/security/authenticator/remove/",
        two_factor.authenticator_remove,
        name="security-authenticator-remove",
    ),
    path(
        "settings/security/recovery-codes/",
        two_factor.recovery_codes_generate,
        name="security-recovery-codes",
    ),
    path("settings/tokens/", api_tokens.api_token_list, name="api-token-list"),
    path("settings/tokens/<int:pk>/revoke/", api_tokens.api_token_revoke, name="api-token-revoke"),
    # The JSON API: its views authenticate by token or session themselves (tracker/api/urls.py).
    path("api/v1/", include("tracker.api.urls")),
    path("admin/", admin.site.urls),
]
