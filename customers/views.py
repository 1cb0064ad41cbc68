"""Customer screens: the list, the new-customer wizard (F1), Account info (F4) and the edit form."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView

from agreements.selectors import confirmation_history, template_latest_mca
from agreements.services import (
    acceptor_validate,
    agreements_available,
    confirm_refusal,
    template_for_confirmation,
)
from customers.forms import CustomerEditForm, NewCustomerForm
from customers.models import AgreementStatus, Channel
from customers.pagination import CustomerPaginator
from customers.selectors import (
    customer_from_submission,
    customer_get,
    customer_list,
)
from customers.services import (
    customer_create,
    customer_update,
    customer_update_validate,
    customer_validate,
    submitted_customer,
)
from customers.validators import domain_normalize, phone_display
from portal.audit import actor_from_request
from portal.forms import add_service_errors, fields_refused_with, is_revalidation, renew_submission_key
from portal.once import CHANGED_MEANWHILE
from portal.pagination import PER_PAGE, page_of, requested_page

URL_PLACEHOLDER = uuid.UUID(int=0)
# F1's review shows a value other than the one typed under the field's label: step 1 asks for the
# domain prefix, the review shows the whole domain.
REVIEW_LABELS = {"domain": _("Domain")}


class CustomerListView(PermissionRequiredMixin, ListView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_list.html"
    context_object_name = "customers"
    paginate_by = PER_PAGE
    paginator_class = CustomerPaginator

    def _status(self) -> str:
        # R10: outside the public cloud there is no agreement status to filter by.
        status = self.request.GET.get("status", "")
        return status if agreements_available() and status in AgreementStatus.values else ""

    @cached_property
    def search_error(self) -> str:
        """Why the search text cannot be searched for (R14), or ""; the text stays in the box."""
        if "\x00" in self.request.GET.get("q", ""):
            return _("The search text cannot contain null characters (NUL).")
        return ""

    def get_queryset(self):
        return customer_list(user=self.request.user, q=self.request.GET.get("q", ""), status=self._status())

    def paginate_queryset(self, queryset, page_size):
        # Without a search the total is the partner's kept count, not a COUNT(*) of its rows.
        paginator = self.paginator_class.of_list(
            queryset,
            page_size,
            user=self.request.user,
            status=self._status(),
            search=self.request.GET.get("q", ""),
        )
        # A page number past the end shows the last page; not a number, or below 1, the first; never a 404.
        page = paginator.get_page(requested_page(self.request))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        context["search_error"] = self.search_error
        context["status"] = self._status()
        context["statuses"] = AgreementStatus.choices
        # The status badge is inlined in the list (25 includes cost more than the rest of the rows).
        context["confirmed_label"] = AgreementStatus.CONFIRMED.label
        context["required_label"] = AgreementStatus.REQUIRED.label
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        # One reverse() for the page instead of one per row (~0.15 ms each).
        detail_url = reverse("customers:detail", kwargs={"tenant_id": URL_PLACEHOLDER})
        for customer in context["customers"]:
            customer.url = detail_url.replace(str(URL_PLACEHOLDER), str(customer.tenant_id))
        return context


class CustomerCreateView(PermissionRequiredMixin, View):
    """F1: step 1 *Account info* → *Next* → review → *Create customer* (one transaction).

    The wizard keeps no server-side state: the review page carries every value in
    hidden fields, so *Back* and the browser's back button lose nothing, and the
    idempotency key makes a repeated *Create customer* return the first customer (R15).
    """

    permission_required = "customers.add_customer"
    step1_template = "customers/customer_new.html"
    review_template = "customers/customer_review.html"

    def has_permission(self):
        # Staff hold every permission but belong to no partner: they create no customers (PRODUCT §3).
        return super().has_permission() and self.request.user.partner_id is not None

    def _form(self, data=None):
        # R4, R10: without the right to confirm here, the customer is created without the MCA section.
        with_agreement = agreements_available() and confirm_refusal(self.request.user) is None
        return NewCustomerForm(data=data, agreements_available=with_agreement)

    def get(self, request):
        return self._step1(request, self._form())

    def post(self, request):
        action = request.POST.get("action", "next")
        form = self._form(request.POST)
        if not form.is_valid():
            self._check_cleaned_fields(form, actor_from_request(request))
            return self._step1(request, form)
        if is_revalidation(request):
            # R16: step 1 judged again in the language just chosen, with the rules; nothing created.
            for exc, field_map in self._refusals(form, actor_from_request(request)):
                add_service_errors(form, exc, field_map)
            return self._step1(request, form)
        key = form.cleaned_data.get("idempotency_key")
        # As typed: the rules' errors below take the fields they refuse out of the form.
        submitted_as = form.details(), form.acceptor()
        submitted = self._submitted(request, form, key, submitted_as)
        if submitted is not None:
            return submitted
        if action == "edit":
            return self._step1(request, form)
        actor = actor_from_request(request)
        refusals = self._refusals(form, actor)
        if refusals:
            # The same submission, a moment ahead, may have just created the customer and so
            # taken its domain (R15): show that customer, not "already exists".
            submitted = self._submitted(request, form, key, submitted_as)
            if submitted is not None:
                return submitted
            for exc, field_map in refusals:
                add_service_errors(form, exc, field_map)
            return self._step1(request, form)
        if action != "create":
            context = {**self._review_context(form), "confirm_refusal": confirm_refusal(request.user)}
            return render(request, self.review_template, context)
        try:
            customer = customer_create(
                actor=actor,
                acceptor=form.acceptor(),
                idempotency_key=key,
                **form.details(),
            )
        except ValidationError as exc:
            # Details were checked a moment ago, so what is left concerns the acceptor.
            add_service_errors(form, exc, form.acceptor_field_map())
            return self._step1(request, form)
        messages.success(request, _("Customer %(name)s was created.") % {"name": customer.company_name})
        return redirect(customer)

    def _submitted(self, request, form, key, submitted_as):
        """After this form's key created a customer (a second click, Back and resubmit, a second
        tab): that customer, or step 1 saying the key was used for another one (R15)."""
        existing = customer_from_submission(user=request.user, idempotency_key=key)
        if existing is None:
            return None
        try:
            details, acceptor = submitted_as
            return redirect(submitted_customer(existing, details, acceptor))
        except ValidationError as exc:
            add_service_errors(form, exc)
            renew_submission_key(form, exc)
            return self._step1(request, form)

    def _refusals(self, form, actor) -> list[tuple[ValidationError, dict[str, str] | None]]:
        """The services' rules run now, so that errors show on step 1, not only at the end: each
        refusal with the map of its fields to the form's (none refused: an empty list)."""
        refusals = []
        try:
            customer_validate(actor=actor, **form.details())
        except ValidationError as exc:
            refusals.append((exc, None))
        acceptor = form.acceptor()
        if acceptor is not None:
            try:
                acceptor_validate(
                    user=actor.user,
                    acceptor=acceptor,
                    country=form.cleaned_data["country"],
                    template=template_for_confirmation(),
                )
            except ValidationError as exc:
                refusals.append((exc, form.acceptor_field_map()))
        return refusals

    def _check_cleaned_fields(self, form, actor) -> None:
        """R14: every bad field gets its message in one round, not only those the form checks.

        The form failed its own checks (a bad email, say); run the services' rules on the
        fields that did clean, so that a phone number or domain they refuse is shown now
        rather than after the next submit. Errors about fields that did not clean are the
        form's to give; a phone number is judged only when its country cleaned.
        """
        cleaned = form.cleaned_data
        details = form.details()
        try:
            customer_validate(actor=actor, **details)
        except ValidationError as exc:
            add_service_errors(form, exc, only=_cleaned(form, details, phones={"contact_phone"}))
        if not form.agreements_available:
            return
        # The acceptor too (R1, R2): a future date or a bad phone is shown with the other errors.
        fields = form.acceptor_field_map()
        try:
            acceptor_validate(
                user=actor.user,
                acceptor=form.acceptor(),
                country=cleaned.get("country"),
                template=template_for_confirmation(),
            )
        except ValidationError as exc:
            judged = {name for name, field in fields.items() if field in cleaned}
            add_service_errors(form, exc, fields, only=_cleaned(form, judged, phones={"phone_number"}))

    def _step1(self, request, form):
        context = {
            "form": form,
            "template": template_latest_mca(),
            "confirm_refusal": confirm_refusal(request.user),
        }
        return render(request, self.step1_template, context)

    def _review_context(self, form) -> dict:
        data = form.cleaned_data

        def rows(names):
            shown = [n for n in names if n in form.fields]
            return [(REVIEW_LABELS.get(n, form.fields[n].label), _display(form, n)) for n in shown]

        context = {
            "form": form,
            "company": rows(form.COMPANY),
            "address": rows(form.ADDRESS),
            "contact": rows(form.CONTACT),
            "template": template_latest_mca(),
        }
        if form.agreements_available:
            acceptor = form.acceptor()
            context["acceptor"] = acceptor
            if acceptor is not None:
                context["acceptor_phone"] = phone_display(raw=acceptor.phone_number, country=data["country"])
            context["acceptor_is_contact"] = form.acceptor_is_contact
            context["date_agreed"] = data["date_agreed"]
        return context


def _cleaned(form, names, *, phones) -> set[str]:
    """Which of `names` cleaned; a phone counts only when the country cleaned too."""
    country = "country" in form.cleaned_data
    return {name for name in names if name not in phones or country}


def _display(form, name):
    value = form.cleaned_data.get(name)
    if name == "domain":
        return domain_normalize(value)
    if name == "country":
        return dict(form.fields["country"].choices).get(value, value)
    if name == "contact_phone":
        return phone_display(raw=value, country=form.cleaned_data["country"])
    return value


class CustomerDetailView(PermissionRequiredMixin, View):
    """F4: *Account info* with the agreement status, the current confirmation and the history."""

    permission_required = "customers.view_customer"
    template_name = "customers/customer_detail.html"

    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        page, history, current = None, [], None
        if agreements_available():
            # Paged (issue 6): the page's work stays flat however long the history grows.
            confirmations = confirmation_history(customer=customer)
            page = page_of(request, confirmations)
            history = list(page.object_list)
            current = next((c for c in history if c.pk == customer.current_confirmation_id), None)
            if current is None and customer.current_confirmation_id:
                # The current one is the newest, on page 1; later pages fetch it on its own.
                current = confirmations.filter(pk=customer.current_confirmation_id).first()
        refusal = confirm_refusal(request.user)
        return render(
            request,
            self.template_name,
            {
                "customer": customer,
                "current": current,
                "history": history,
                "page_obj": page,
                "confirm_refusal": refusal,
                "may_confirm": refusal is None,
                "active_tab": "account",
            },
        )


class CustomerEditView(PermissionRequiredMixin, View):
    """Edit the customer's details (not its domain, tenant id or confirmations)."""

    permission_required = "customers.change_customer"
    template_name = "customers/customer_edit.html"

    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        form = CustomerEditForm(initial=CustomerEditForm.initial_from(customer))
        return render(request, self.template_name, {"customer": customer, "form": form})

    def post(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        form = CustomerEditForm(data=request.POST)
        if not form.is_valid():
            _report_update_errors(form, customer)
        elif is_revalidation(request):
            # R16: judged as saving would judge it (the changes with the stored details: a phone
            # kept for a country changed), never saved.
            try:
                customer_update_validate(customer=customer, **form.changes()[0])
            except ValidationError as exc:
                add_service_errors(form, exc)
        else:
            changes, seen = form.changes()
            if seen is not None and not changes:
                messages.info(request, _("Nothing was changed."))
                return redirect(customer)
            try:
                update = customer_update(
                    actor=actor_from_request(request),
                    customer=customer,
                    channel=Channel.WEB,
                    seen=seen,
                    **changes,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
                if seen is not None:
                    # What others changed meanwhile, shown: a refusal may depend on it (a phone
                    # for the country a colleague chose), and seen values let the next save apply.
                    stored = customer_get(user=request.user, tenant_id=tenant_id)
                    form.show_stored(stored, fields_refused_with(exc, CHANGED_MEANWHILE))
            else:
                if update.written:
                    messages.success(request, _("The customer's details were saved."))
                else:  # the same values typed another way ("(425) 555-0100")
                    messages.info(request, _("Nothing was changed."))
                return redirect(customer)
        return render(request, self.template_name, {"customer": customer, "form": form})


def _report_update_errors(form, customer) -> None:
    """R14: the rules' errors about the details that cleaned (a phone for the country too, now)
    on a form refused for the others."""
    details = form.details()
    try:
        customer_update_validate(customer=customer, **details)
    except ValidationError as exc:
        add_service_errors(form, exc, only=_cleaned(form, details, phones={"contact_phone"}))


customer_new = CustomerCreateView.as_view()
customer_detail = CustomerDetailView.as_view()
customer_edit = CustomerEditView.as_view()
