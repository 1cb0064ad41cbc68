"""Agreement screens: F2, confirming for an existing customer from its Account info."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import RedirectURLMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from agreements.forms import ConfirmationForm
from agreements.models import Confirmation, ConfirmationChannel
from agreements.selectors import template_latest_mca
from agreements.services import (
    AgreementsUnavailable,
    ConfirmNotAllowed,
    acceptor_validate,
    agreements_available,
    confirm_refusal,
    confirmation_record,
    confirmation_validate,
    template_for_confirmation,
)
from customers.models import Customer
from customers.selectors import customer_get
from portal.audit import actor_from_request
from portal.forms import add_service_errors, is_revalidation, renew_submission_key


def confirmation_record_from_form(
    request, *, customer, form: ConfirmationForm, channel: str
) -> Confirmation | None:
    """Record the confirmation a valid bound form describes; else put the reasons on the form (F2, F3)."""
    if not form.is_valid():
        _report_rule_errors(request, customer=customer, form=form)
        return None
    try:
        return confirmation_record(
            actor=actor_from_request(request),
            customer=customer,
            acceptor=form.acceptor(),
            channel=channel,
            idempotency_key=form.cleaned_data.get("idempotency_key"),
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        renew_submission_key(form, exc)
    except (ConfirmNotAllowed, AgreementsUnavailable) as exc:
        form.add_error(None, str(exc))
    except Customer.DoesNotExist:
        raise Http404 from None
    return None


def confirmation_form_judge(request, *, customer, form: ConfirmationForm) -> None:
    """Put on the bound form what the form and the rules refuse, recording nothing (R14, R16)."""
    if not form.is_valid():
        _report_rule_errors(request, customer=customer, form=form)
        return
    try:
        confirmation_validate(user=request.user, customer=customer, acceptor=form.acceptor())
    except ValidationError as exc:
        add_service_errors(form, exc)


def _report_rule_errors(request, *, customer, form: ConfirmationForm) -> None:
    """Check the fields that did clean against the rules too, so every bad field is reported at once (R14)."""
    try:
        template = template_for_confirmation()
        acceptor_validate(
            user=request.user, acceptor=form.acceptor(), country=customer.country, template=template
        )
    except ValidationError as exc:
        add_service_errors(form, exc, only=set(form.cleaned_data))


class ConfirmationCreateView(RedirectURLMixin, PermissionRequiredMixin, View):
    """F2: *Update* → acceptor's details and *Agreement acceptance date* → *Save and continue*."""

    permission_required = "agreements.add_confirmation"
    template_name = "agreements/confirmation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # R3, R4: say why (only admin and sales agents; ask your indirect provider), not a bare 403.
            refusal = confirm_refusal(request.user)
            if refusal is not None:
                raise refusal
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        form = ConfirmationForm(initial=ConfirmationForm.initial_for(customer))
        return self._render(request, customer, form)

    def post(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        form = ConfirmationForm(data=request.POST)
        if not agreements_available():
            return self._render(request, customer, form)
        if is_revalidation(request):
            confirmation_form_judge(request, customer=customer, form=form)
            return self._render(request, customer, form)
        confirmation = confirmation_record_from_form(
            request, customer=customer, form=form, channel=ConfirmationChannel.ACCOUNT_INFO
        )
        if confirmation is None:
            return self._render(request, customer, form)
        messages.success(
            request, _("The confirmation for %(name)s was saved.") % {"name": customer.company_name}
        )
        # Back where the agent came from to confirm (F5's refusal), when that is a page of this site.
        return redirect(self.get_redirect_url() or customer)

    def _render(self, request, customer, form):
        return_to = self.get_redirect_url()
        return render(
            request,
            self.template_name,
            {
                "customer": customer,
                "form": form,
                "template": template_latest_mca(),
                "active_tab": "account",
                "next": return_to,
                "cancel_url": return_to or customer.get_absolute_url(),
            },
        )


confirmation_update = ConfirmationCreateView.as_view()
