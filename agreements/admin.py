"""Agreement templates (staff add new MCA versions) and confirmations (read-only for everyone, R5)."""

import functools
import uuid

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import AgreementTemplate, AgreementType, Confirmation
from portal.admin import DateDrillDownListFilter, ViewOnlyMixin


class AgreementTemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = ("template_id", "agreement_type", "agreement_link", "version_rank", "published_on")
        field_classes = {"agreement_link": functools.partial(forms.URLField, assume_scheme="https")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            # R7: not offered, as AgreementTemplate.clean refuses it.
            field = self.fields["agreement_type"]
            field.choices = [
                (value, label)
                for value, label in field.choices
                if value != AgreementType.MICROSOFT_CLOUD_AGREEMENT
            ]

    def clean_published_on(self):
        published_on = self.cleaned_data["published_on"]
        # R2, R7: a version published in the future would become the latest at once, and no
        # acceptance date could be both not in the future and not before its publication.
        if published_on and published_on > timezone.localdate():
            raise forms.ValidationError(
                _("The publication date cannot be later than today (%(today)s)."),
                code="published_in_future",
                params={"today": timezone.localdate().isoformat()},
            )
        return published_on


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    """A new MCA version is a new template with a higher version rank; existing ones never change."""

    form = AgreementTemplateForm
    list_display = ("agreement_type", "version_rank", "template_id", "published_on", "agreement_link")
    list_filter = ("agreement_type",)
    ordering = ("agreement_type", "-version_rank")

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
class ConfirmationAdmin(ViewOnlyMixin, admin.ModelAdmin):
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
    # Not date_hierarchy, which reads every confirmation on every view (DateDrillDownListFilter).
    list_filter = (
        "channel",
        "agreement_type",
        "customer__partner",
        ("recorded_at", DateDrillDownListFilter),
    )
    search_fields = ("customer__company_name", "customer__domain", "first_name", "last_name", "email")
    show_full_result_count = False

    @admin.display(description=_("template version"))
    def template_version(self, obj):
        return obj.template.version_rank

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
