"""Admin building blocks shared by the apps."""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet


class ViewOnlyMixin:
    """Staff look, never add, change or delete (R5, R8, R9)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FirstRowsInlineFormSet(BaseInlineFormSet):
    """The first `max_shown` rows in the inline's order (all of them when it is None)."""

    max_shown: int | None = None

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.max_shown is not None and not queryset.query.is_sliced:
            queryset = self._queryset = queryset[: self.max_shown]
        return queryset


class ReadOnlyInline(ViewOnlyMixin, admin.TabularInline):
    """Rows shown beside their parent, never added, changed or deleted from it (R5, R8, R9)."""

    extra = 0
    can_delete = False
    formset = FirstRowsInlineFormSet
    # At most this many rows (None: every row): a list that grows without bound, such as a
    # customer's confirmations, would otherwise make the parent's page grow with it (issue 6).
    max_shown: int | None = None

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.max_shown = self.max_shown
        return formset
