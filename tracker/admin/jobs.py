"""Scheduled runs, read-only: admins see each periodic job's due times, attempts and last error.

The queue's own rows (every task, with its traceback) are django-tasks-db's admin, "Task results".
"""

from __future__ import annotations

from django.contrib import admin

from ..models import ScheduledRun


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("job", "due_at", "status", "attempts", "finished_at", "error")
    list_filter = ("status", "job")
    search_fields = ("job", "error")
    date_hierarchy = "due_at"
    ordering = ("-due_at", "job")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
