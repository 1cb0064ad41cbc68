"""Admin building blocks shared by the apps."""

from django.contrib import admin


class ViewOnlyMixin:
    """Staff look, never add, change or delete (R5, R8, R9)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ViewOnlyMixin, admin.TabularInline):
    """Rows shown beside their parent, never added, changed or deleted from it (R5, R8, R9)."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields
