"""Agreement templates (staff add new MCA versions) and confirmations (read-only for everyone, R5)."""

import uuid

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementTemplate, Confirmation


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    """A new MCA version is a new template with a higher version rank; existing ones never change."""

    list_display = ("agreement_type", "version_rank", "template_id", "published_on", "agreement_link")
    list_filter = ("agreement_type",)
    ordering = ("agreement_type", "-version_rank")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_changeform_initial_data(self, request):
        latest = AgreementTemplate.objects.filter(agreement_type="MicrosoftCustomerAgreement").first()
        return {
            "template_id": uuid.uuid4(),
            "agreement_type": "MicrosoftCustomerAgreement",
            "agreement_link": latest.agreement_link if latest else "https://aka.ms/customeragreement",
            "version_rank": latest.version_rank + 1 if latest else 0,
        }

    def has_change_permission(self, request, obj=None):
        # Confirmations point at templates: a stored version stays as it was.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Confirmation)
class ConfirmationAdmin(admin.ModelAdmin):
    """Visible to staff; never added, changed or deleted here, superusers included (R5)."""

    list_display = (
        "customer",
        "first_name",
        "last_name",
        "email",
        "date_agreed",
        "template_version",
        "channel",
        "recorded_by",
        "recorded_at",
    )
    list_select_related = ("customer", "template", "recorded_by")
    list_filter = ("channel", "agreement_type", "customer__partner")
    search_fields = ("customer__company_name", "customer__domain", "first_name", "last_name", "email")
    date_hierarchy = "recorded_at"
    show_full_result_count = False

    @admin.display(description=_("template version"))
    def template_version(self, obj):
        return obj.template.version_rank

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
