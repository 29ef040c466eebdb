"""Reference data (countries, themes, divisions, meeting series) and the people who attend."""

from __future__ import annotations

from django.contrib import admin

from .. import services
from ..models import Country, Division, MeetingSeries, Person, Theme
from .saving import ServiceSaveAdmin, form_data


class ReferenceAdmin(ServiceSaveAdmin):
    """The fields the reference services edit, saved by them."""

    def get_fields(self, request, obj=None):
        return services.REFERENCE_FIELDS[self.model]

    def save_through_services(self, request, obj, form, change):
        data = form_data(form, services.REFERENCE_FIELDS[self.model], change=change)
        if change:
            return services.reference_edit(instance=obj, user=request.user, data=data)
        return services.reference_create(model=self.model, user=request.user, data=data)


@admin.register(Country)
class CountryAdmin(ReferenceAdmin):
    list_display = ("name", "code", "name_ja", "is_group")
    list_filter = ("is_group",)
    search_fields = ("name", "code", "name_ja")


@admin.register(Theme)
class ThemeAdmin(ReferenceAdmin):
    list_display = ("name", "code", "name_ja")
    search_fields = ("name", "code", "name_ja")


@admin.register(Division)
class DivisionAdmin(ReferenceAdmin):
    list_display = ("name", "code", "name_ja")
    search_fields = ("name", "code", "name_ja")
    filter_horizontal = ("members",)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ReferenceAdmin):
    list_display = ("name", "kind")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Person)
class PersonAdmin(ServiceSaveAdmin):
    fields = services.PERSON_FIELDS
    list_display = ("full_name", "name_ja", "country")
    list_filter = ("country",)
    list_select_related = ("country",)
    search_fields = ("family_name", "given_name", "name_ja")

    def save_through_services(self, request, obj, form, change):
        data = form_data(form, services.PERSON_FIELDS, change=change)
        if change:
            return services.person_edit(person=obj, user=request.user, data=data)
        return services.person_create(user=request.user, data=data)
