"""Staff manage the catalogue; orders and subscriptions are read-only here.

Only order_place creates orders (R8) and only subscription_set_quantity changes a
license count (R9); both need a partner user and check the customer's agreement
status under a row lock. Staff belong to no partner and may not place orders
(PRODUCT §3), so the admin offers no add, change, delete or history revert for
orders and subscriptions: a write from here would bypass the gates. Their
change history (R13) is shown through SimpleHistoryAdmin.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from orders.models import Offer, Order, OrderLine, Subscription
from portal.admin import DateDrillDownListFilter, HistoryAdmin, ReadOnlyInline, ViewOnlyMixin


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["name", "id", "billing_type", "min_quantity", "max_quantity", "is_active"]
    list_filter = ["billing_type", "is_active"]
    search_fields = ["name", "id"]

    def get_readonly_fields(self, request, obj=None):
        # Lines and subscriptions point at the offer ID; renaming it would orphan them.
        if obj is None:
            return []
        # Shown, not offered: Offer.clean refuses to change an ordered offer's billing type (R9).
        return ["id", "billing_type"] if obj.was_ordered else ["id"]

    def has_delete_permission(self, request, obj=None):
        # Offers that were ordered are referenced forever; deactivate them instead.
        return False


class ReadOnlyHistoryAdmin(ViewOnlyMixin, HistoryAdmin):
    """View and history only; reverting to an older version would be a write, so it is refused."""

    def get_readonly_fields(self, request, obj=None):
        # Every field, also on the history pages, which build their form without the view-only rule.
        return list(self.fields)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(_("Orders and subscriptions cannot be changed in the admin."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["line_item_number", "offer", "quantity"]


class SubscriptionInline(ReadOnlyInline):
    model = Subscription
    fields = ["offer", "quantity", "status", "created_at"]
    show_change_link = True


@admin.register(Order)
class OrderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["api_id", "customer", "placed_by", "placed_at", "channel"]
    # Not date_hierarchy, which reads every order on every view (DateDrillDownListFilter).
    list_filter = ["channel", "customer__partner", ("placed_at", DateDrillDownListFilter)]
    list_select_related = ["customer", "placed_by"]
    search_fields = ["customer__company_name", "customer__domain"]
    show_full_result_count = False
    fields = ["api_id", "customer", "placed_by", "placed_at", "channel", "client_ip", "user_agent"]
    inlines = [OrderLineInline, SubscriptionInline]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["id", "offer", "customer", "quantity", "status", "created_at", "updated_at"]
    list_filter = ["status", "offer__billing_type", "customer__partner"]
    list_select_related = ["offer", "customer"]
    search_fields = ["customer__company_name", "customer__domain", "offer__name"]
    show_full_result_count = False
    # Newest first, read from the subscription_recent index. The model's order (by customer,
    # which is by company name) joined every customer to find a page (14 ms for 2,000).
    ordering = ["-created_at", "-id"]
    fields = [
        "customer",
        "offer",
        "order",
        "quantity",
        "status",
        "created_at",
        "updated_at",
        "updated_by",
        "updated_channel",
        "client_ip",
        "user_agent",
    ]
