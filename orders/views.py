"""Orders and subscriptions of one customer: lists, F3 (new order with the agreement prompt), F5."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.forms import ConfirmationForm
from agreements.models import ConfirmationChannel
from agreements.services import confirm_refusal, confirmation_submitted
from agreements.views import confirmation_form_judge, confirmation_record_from_form
from customers.models import Channel, Customer
from customers.selectors import customer_get
from orders import selectors
from orders.forms import LicenseCountForm, OrderForm
from orders.services import (
    LICENSE_COUNT_BLOCKED_MESSAGE,
    AgreementRequired,
    agreement_gate_blocks,
    order_lines_check,
    order_place,
    subscription_quantity_check,
    subscription_set_quantity,
)
from portal.audit import actor_from_request
from portal.forms import (
    add_service_errors,
    fields_refused_with,
    is_revalidation,
    renew_submission_key,
    replace_posted,
)
from portal.once import CHANGED_MEANWHILE, SubmissionReused
from portal.pagination import page_of

CONFIRMATION_PREFIX = "agreement"


def _draft_key(customer: Customer) -> str:
    # Kept in the session (stored in the database), so any app server can continue the order.
    return f"orders:draft:{customer.tenant_id}"


@require_GET
@permission_required("orders.view_order", raise_exception=True)
def order_list(request, tenant_id):
    """The customer's orders, newest first, with their lines."""
    customer = customer_get(user=request.user, tenant_id=tenant_id)
    page = page_of(request, selectors.order_list(customer=customer))
    return render(
        request,
        "orders/order_list.html",
        {"customer": customer, "page_obj": page, "orders": page.object_list, "active_tab": "orders"},
    )


def _report_line_errors(order_form: OrderForm) -> None:
    """Show every bad line at once (R14): the rules judge the lines the form could read.

    Without this, a quantity that is no whole number hid another line's out-of-range one until
    the next submit, and F3's *Save and continue* returned to an order it had not checked.
    """
    order_form.is_valid()
    lines, fields = order_form.line_items()
    try:
        order_lines_check(lines=lines)
    except ValidationError as exc:
        _add_line_errors(order_form, exc, fields)


def _add_line_errors(order_form: OrderForm, exc: ValidationError, fields: list[str]) -> None:
    """The order rules' errors (keyed `line_<index>`) next to the fields the lines came from."""
    add_service_errors(order_form, exc, field_map={f"line_{i}": name for i, name in enumerate(fields)})


def _say_if_not_recorded(request, customer, form: ConfirmationForm) -> None:
    """The prompt is gone once the customer is Confirmed; if this form's key recorded another
    acceptor than the one posted now, say that this one was not recorded (R15)."""
    if not form.is_valid():
        return
    try:
        confirmation_submitted(
            customer=customer, idempotency_key=form.cleaned_data["idempotency_key"], acceptor=form.acceptor()
        )
    except SubmissionReused:
        messages.warning(
            request,
            _(
                "This form was first submitted with another acceptor, who was recorded then; what you "
                "entered now was not. To record another acceptor, use Update on Account info."
            ),
        )


@require_http_methods(["GET", "POST"])
@permission_required("orders.add_order", raise_exception=True)
def order_new(request, tenant_id):
    """F3: choose offers and quantities; confirm the agreement first when R8 requires it."""
    customer = customer_get(user=request.user, tenant_id=tenant_id)
    offers = list(selectors.offer_list())
    draft_key = _draft_key(customer)
    draft = request.session.get(draft_key) or {}
    confirmation_form = None

    judged = False  # whether order_place has judged the lines
    if is_revalidation(request):
        # R16: the order and the prompt judged again in the language just chosen; nothing recorded.
        order_form = OrderForm(request.POST, offers=offers)
        if agreement_gate_blocks(customer) and confirm_refusal(request.user) is None:
            confirmation_form = ConfirmationForm(request.POST, prefix=CONFIRMATION_PREFIX)
            confirmation_form_judge(request, customer=customer, form=confirmation_form)
    elif request.method == "POST":
        action = request.POST.get("action", "place")
        if action == "discard":
            request.session.pop(draft_key, None)
            return redirect("orders:list", tenant_id=customer.tenant_id)
        order_form = OrderForm(request.POST, offers=offers)
        order_form_valid = order_form.is_valid()
        # Nothing the agent chose is lost, whatever happens next (F3).
        request.session[draft_key] = order_form.draft()
        if action == "confirm":
            confirmation_form = ConfirmationForm(request.POST, prefix=CONFIRMATION_PREFIX)
            if not agreement_gate_blocks(customer):
                # Confirmed meanwhile, maybe by this very form (Back, another acceptor, Save again).
                _say_if_not_recorded(request, customer, confirmation_form)
                return redirect("orders:new", tenant_id=customer.tenant_id)
            confirmation = confirmation_record_from_form(
                request, customer=customer, form=confirmation_form, channel=ConfirmationChannel.ORDER_PROMPT
            )
            if confirmation is not None:
                messages.success(
                    request,
                    _("The customer's acceptance is confirmed. Review the order and place it."),
                )
                return redirect("orders:new", tenant_id=customer.tenant_id)
        elif order_form_valid:
            lines, fields = order_form.line_items()
            try:
                order = order_place(
                    actor=actor_from_request(request),
                    customer=customer,
                    lines=lines,
                    channel=Channel.WEB,
                    idempotency_key=order_form.cleaned_data.get("idempotency_key"),
                )
            except AgreementRequired as exc:
                order_form.add_error(None, str(exc))
            except ValidationError as exc:
                judged = True
                _add_line_errors(order_form, exc, fields)
                renew_submission_key(order_form, exc)
            except Customer.DoesNotExist:
                raise Http404 from None
            else:
                request.session.pop(draft_key, None)
                messages.success(request, _("Order %(id)s was placed.") % {"id": order.api_id})
                return redirect("orders:list", tenant_id=customer.tenant_id)
    elif draft:
        # Back from the confirmation prompt: the same choices, shown as typed, with a fresh key (R15).
        order_form = OrderForm({**draft, "idempotency_key": str(uuid.uuid4())}, offers=offers)
    else:
        order_form = OrderForm(offers=offers)

    if order_form.is_bound and not judged:
        _report_line_errors(order_form)
    prompt = agreement_gate_blocks(customer)
    refusal = confirm_refusal(request.user) if prompt else None
    if prompt and refusal is None and confirmation_form is None:
        confirmation_form = ConfirmationForm(
            prefix=CONFIRMATION_PREFIX, initial=ConfirmationForm.initial_for(customer)
        )
    return render(
        request,
        "orders/order_form.html",
        {
            "customer": customer,
            "form": order_form,
            "confirmation_form": confirmation_form if prompt and refusal is None else None,
            "prompt": prompt,
            "refusal": refusal,
            "active_tab": "orders",
        },
    )


@require_GET
@permission_required("orders.view_subscription", raise_exception=True)
def subscription_list(request, tenant_id):
    """F5: the customer's subscriptions and their license counts."""
    customer = customer_get(user=request.user, tenant_id=tenant_id)
    page = page_of(request, selectors.subscription_list(customer=customer))
    return render(
        request,
        "orders/subscription_list.html",
        {
            "customer": customer,
            "page_obj": page,
            "subscriptions": page.object_list,
            "blocked": agreement_gate_blocks(customer),
            "blocked_message": LICENSE_COUNT_BLOCKED_MESSAGE,
            "confirm_refusal": confirm_refusal(request.user),
            "active_tab": "subscriptions",
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("orders.change_subscription", raise_exception=True)
def subscription_quantity(request, tenant_id, subscription_id):
    """F5: change the license count of a license-based subscription (R9)."""
    customer = customer_get(user=request.user, tenant_id=tenant_id)
    subscription = selectors.subscription_get(
        user=request.user, customer=customer, subscription_id=subscription_id
    )
    if not subscription.is_license_based:
        messages.error(request, _("Usage-based subscriptions have no license count to change."))
        return redirect("orders:subscriptions", tenant_id=customer.tenant_id)
    blocked_message = LICENSE_COUNT_BLOCKED_MESSAGE if agreement_gate_blocks(customer) else None
    form = LicenseCountForm(
        initial={"quantity": subscription.quantity, "seen_quantity": subscription.quantity}
    )
    if is_revalidation(request):
        # R16: the count judged again in the language just chosen; nothing recorded.
        form = LicenseCountForm(request.POST)
        if form.is_valid():
            try:
                subscription_quantity_check(subscription=subscription, quantity=form.cleaned_data["quantity"])
            except ValidationError as exc:
                add_service_errors(form, exc)
    elif request.method == "POST":
        form = LicenseCountForm(request.POST)
        if form.is_valid():
            before = subscription.quantity
            try:
                subscription = subscription_set_quantity(
                    actor=actor_from_request(request),
                    subscription=subscription,
                    quantity=form.cleaned_data["quantity"],
                    seen_quantity=form.cleaned_data["seen_quantity"],
                )
            except AgreementRequired as exc:
                blocked_message = str(exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
                if fields_refused_with(exc, CHANGED_MEANWHILE):
                    # Shown the new count, and seen it now: saving again applies the agent's count.
                    subscription.refresh_from_db()
                    replace_posted(form, {"seen_quantity": subscription.quantity})
            except Customer.DoesNotExist:
                raise Http404 from None
            else:
                values = {"offer": subscription.offer.name, "quantity": subscription.quantity}
                if subscription.quantity == before:
                    messages.info(
                        request, _("The license count of %(offer)s is already %(quantity)s.") % values
                    )
                else:
                    messages.success(
                        request, _("The license count of %(offer)s is now %(quantity)s.") % values
                    )
                return redirect("orders:subscriptions", tenant_id=customer.tenant_id)
    return render(
        request,
        "orders/subscription_form.html",
        {
            "customer": customer,
            "subscription": subscription,
            "form": form,
            "blocked_message": blocked_message,
            "confirm_refusal": confirm_refusal(request.user),
            "active_tab": "subscriptions",
        },
    )
