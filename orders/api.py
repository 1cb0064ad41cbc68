"""Partner Center's offer, order and subscription endpoints (PRODUCT §6).

The order gate (R8) and the license-count gate (R9) are orders.services';
these views only translate JSON and answer 403 code 13605 when a gate refuses.
"""

from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db.models import prefetch_related_objects
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from agreements.api import StrictCharField
from customers.models import Channel
from customers.selectors import customer_get
from orders.models import Offer
from orders.selectors import offer_list, order_get, order_list, subscription_get, subscription_list
from orders.services import (
    EMPTY_ORDER_MESSAGE,
    MAX_LINE_ITEMS,
    LineItem,
    order_place,
    subscription_set_quantity,
)
from portal.api import (
    ORDER_ID_PARAMETER,
    REQUEST_ID_PARAMETER,
    SUBSCRIPTION_ID_PARAMETER,
    TENANT_ID_PARAMETER,
    collection,
    collection_serializer,
    common_responses,
    idempotency_key,
)
from portal.api_views import ApiView
from portal.audit import actor_from_request

INT32_MAX = 2**31 - 1


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction; strings and booleans are wrong types (400)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return super().to_internal_value(int(data) if isinstance(data, float) else data)


# Serializers -----------------------------------------------------------------


class OfferSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    billingType = serializers.ChoiceField(source="billing_type", choices=Offer.BillingType.values)
    minimumQuantity = serializers.IntegerField(source="min_quantity")
    maximumQuantity = serializers.IntegerField(source="max_quantity")
    attributes = serializers.SerializerMethodField()

    def get_attributes(self, obj) -> dict:
        return {"objectType": "Offer"}


class LineItemInputSerializer(serializers.Serializer):
    lineItemNumber = StrictIntegerField(min_value=0, max_value=INT32_MAX, required=False)
    offerId = StrictCharField()
    quantity = StrictIntegerField(min_value=0, max_value=INT32_MAX)


class OrderInputSerializer(serializers.Serializer):
    """The body of POST /v1/customers/{tenantId}/orders."""

    # Refused before its items are read (order_place holds the same limit for every caller).
    lineItems = serializers.ListSerializer(
        child=LineItemInputSerializer(),
        min_length=1,
        max_length=MAX_LINE_ITEMS,
        error_messages={"min_length": EMPTY_ORDER_MESSAGE},
        # The same bounds as validators, for the schema's minItems and maxItems (drf-spectacular
        # reads no list's min_length or max_length); the checks above refuse first.
        validators=[MinLengthValidator(1), MaxLengthValidator(MAX_LINE_ITEMS)],
    )


class LineItemSerializer(serializers.Serializer):
    lineItemNumber = serializers.IntegerField(source="line_item_number")
    offerId = serializers.CharField(source="offer_id")
    subscriptionId = serializers.UUIDField(allow_null=True)
    quantity = serializers.IntegerField()


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="api_id", help_text="A GUID; Partner Center's order ids are strings.")
    referenceCustomerId = serializers.UUIDField(source="customer.tenant_id")
    lineItems = serializers.SerializerMethodField()
    creationDate = serializers.DateTimeField(source="placed_at")
    status = serializers.SerializerMethodField()
    attributes = serializers.SerializerMethodField()

    @extend_schema_field(LineItemSerializer(many=True))
    def get_lineItems(self, order) -> list:
        out = []
        for line in order.lines.all():
            # order_place creates one subscription per line and links it to the line.
            subscriptions = line.subscriptions.all()
            out.append(
                {
                    "lineItemNumber": line.line_item_number,
                    "offerId": line.offer_id,
                    "subscriptionId": str(subscriptions[0].api_id) if subscriptions else None,
                    "quantity": line.quantity,
                }
            )
        return sorted(out, key=lambda item: item["lineItemNumber"])

    def get_status(self, order) -> str:
        return "completed"

    def get_attributes(self, order) -> dict:
        return {"objectType": "Order"}


class SubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="api_id", help_text="A GUID, as Partner Center's subscription ids are.")
    offerId = serializers.CharField(source="offer_id")
    offerName = serializers.CharField(source="offer.name")
    billingType = serializers.ChoiceField(source="offer.billing_type", choices=Offer.BillingType.values)
    quantity = serializers.SerializerMethodField(
        help_text="The license count; 1 for a usage-based subscription, which has none (R9)."
    )
    status = serializers.CharField()
    orderId = serializers.UUIDField(source="order.api_id")
    creationDate = serializers.DateTimeField(source="created_at")
    attributes = serializers.SerializerMethodField()

    def get_quantity(self, obj) -> int:
        # Partner Center's Subscription.Quantity is an int, never null (its SDK cannot read a
        # null), and an Azure plan is ordered and listed with quantity 1; billingType says usage.
        return 1 if obj.quantity is None else obj.quantity

    def get_attributes(self, obj) -> dict:
        return {"objectType": "Subscription"}


class SubscriptionPatchSerializer(serializers.Serializer):
    """PATCH body: Partner Center sends the whole subscription; only quantity is read."""

    quantity = StrictIntegerField(min_value=0, max_value=INT32_MAX)


OfferCollection = collection_serializer(OfferSerializer, "OfferCollection")
OrderCollection = collection_serializer(OrderSerializer, "OrderCollection")
SubscriptionCollection = collection_serializer(SubscriptionSerializer, "SubscriptionCollection")


# Views -------------------------------------------------------------------------


class _LineFieldMap(dict):
    """order_place names a bad line `line_<index>`; the API calls it `lineItems[<index>]`."""

    def get(self, field, default=None):
        if field.startswith("line_") and field[5:].isdigit():
            return f"lineItems[{field[5:]}]"
        return "lineItems" if field == "__all__" else default


def _orders(customer):
    """The customer's orders with everything OrderSerializer reads, in a fixed number of queries."""
    return order_list(customer=customer).select_related("customer").prefetch_related("lines__subscriptions")


class OfferListView(ApiView):
    """GET /v1/offers: the catalogue."""

    required_permissions = {"GET": ["orders.view_offer"]}
    partner_scoped = False

    @extend_schema(
        operation_id="offers_list",
        summary="Get the offers of the catalogue",
        tags=["orders"],
        responses=common_responses({200: OfferCollection}),
    )
    def get(self, request):
        return Response(collection(OfferSerializer(offer_list(), many=True).data))


class CustomerOrdersView(ApiView):
    """GET, POST /v1/customers/{tenantId}/orders."""

    required_permissions = {"GET": ["orders.view_order"], "POST": ["orders.add_order"]}

    service_field_map = _LineFieldMap()

    @extend_schema(
        operation_id="customer_orders_list",
        summary="Get a customer's orders",
        parameters=[TENANT_ID_PARAMETER],
        tags=["orders"],
        responses=common_responses({200: OrderCollection}, 404),
    )
    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        return Response(collection(OrderSerializer(_orders(customer), many=True).data))

    @extend_schema(
        operation_id="customer_orders_create",
        summary="Create an order (only for a customer whose agreement is confirmed, R8)",
        description=(
            "Places the order and creates one subscription per line item; a customer whose "
            "agreement is not confirmed gets 403 code 13605 (R8).\n\n"
            "**Retries:** as in Partner Center, two identical POSTs without `MS-RequestId` place two "
            "orders. Send the same `MS-RequestId` with every retry of one order: a repeated request "
            "places nothing new and answers the order the first one placed (R15). Other line items "
            "under an `MS-RequestId` already used are 409 code 1010."
        ),
        tags=["orders"],
        parameters=[TENANT_ID_PARAMETER, REQUEST_ID_PARAMETER],
        request=OrderInputSerializer,
        examples=[
            OpenApiExample(
                "One line",
                request_only=True,
                value={"lineItems": [{"lineItemNumber": 0, "offerId": "LICENSE:0001", "quantity": 5}]},
            )
        ],
        responses=common_responses(
            {201: OpenApiResponse(OrderSerializer, description="The placed order.")}, 400, 404, 409, 415
        ),
    )
    def post(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        body = OrderInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items = body.validated_data["lineItems"]
        order = order_place(
            actor=actor_from_request(request),
            customer=customer,
            lines=[
                LineItem(
                    offer_id=item["offerId"],
                    quantity=item["quantity"],
                    line_item_number=item.get("lineItemNumber"),
                )
                for item in items
            ],
            channel=Channel.API,
            idempotency_key=idempotency_key(request),
        )
        order = _orders(customer).get(pk=order.pk)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class CustomerOrderView(ApiView):
    """GET /v1/customers/{tenantId}/orders/{orderId}."""

    required_permissions = {"GET": ["orders.view_order"]}

    @extend_schema(
        operation_id="customer_orders_get",
        summary="Get an order",
        parameters=[TENANT_ID_PARAMETER, ORDER_ID_PARAMETER],
        tags=["orders"],
        responses=common_responses({200: OrderSerializer}, 404),
    )
    def get(self, request, tenant_id, order_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        order = order_get(user=request.user, customer=customer, api_id=order_id)
        prefetch_related_objects([order], "lines__subscriptions")
        return Response(OrderSerializer(order).data)


ORDER_FILTER_PARAMETER = OpenApiParameter(
    name="order_id",
    type=str,
    required=False,
    description=(
        "Only the subscriptions this order created (Partner Center's \"Get a list of subscriptions by "
        "order\"). An order that is not this customer's is 404, like a missing one (R12)."
    ),
)


class CustomerSubscriptionsView(ApiView):
    """GET /v1/customers/{tenantId}/subscriptions[?order_id={orderId}]."""

    required_permissions = {"GET": ["orders.view_subscription"]}

    @extend_schema(
        operation_id="customer_subscriptions_list",
        summary="Get a customer's subscriptions, or those of one of its orders",
        parameters=[TENANT_ID_PARAMETER, ORDER_FILTER_PARAMETER],
        tags=["orders"],
        responses=common_responses({200: SubscriptionCollection}, 404),
    )
    def get(self, request, tenant_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        # A script written for Partner Center asks for one order's subscriptions this way; read as
        # no filter, it would get every subscription of the customer as if the order had created them.
        order_id = (request.query_params.get("order_id") or "").strip()
        order = order_get(user=request.user, customer=customer, api_id=order_id) if order_id else None
        subscriptions = subscription_list(customer=customer, order=order)
        return Response(collection(SubscriptionSerializer(subscriptions, many=True).data))


class CustomerSubscriptionView(ApiView):
    """GET, PATCH /v1/customers/{tenantId}/subscriptions/{subscriptionId}."""

    required_permissions = {"GET": ["orders.view_subscription"], "PATCH": ["orders.change_subscription"]}
    service_field_map = {}

    def _subscription(self, request, tenant_id, subscription_id):
        customer = customer_get(user=request.user, tenant_id=tenant_id)
        return subscription_get(user=request.user, customer=customer, api_id=subscription_id)

    @extend_schema(
        operation_id="customer_subscriptions_get",
        summary="Get a subscription",
        parameters=[TENANT_ID_PARAMETER, SUBSCRIPTION_ID_PARAMETER],
        tags=["orders"],
        responses=common_responses({200: SubscriptionSerializer}, 404),
    )
    def get(self, request, tenant_id, subscription_id):
        return Response(SubscriptionSerializer(self._subscription(request, tenant_id, subscription_id)).data)

    @extend_schema(
        operation_id="customer_subscriptions_update",
        summary="Change the license count (only while the agreement is confirmed, R9)",
        parameters=[TENANT_ID_PARAMETER, SUBSCRIPTION_ID_PARAMETER],
        tags=["orders"],
        request=SubscriptionPatchSerializer,
        examples=[OpenApiExample("New license count", request_only=True, value={"quantity": 10})],
        responses=common_responses({200: SubscriptionSerializer}, 400, 404, 415),
    )
    def patch(self, request, tenant_id, subscription_id):
        subscription = self._subscription(request, tenant_id, subscription_id)
        body = SubscriptionPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription = subscription_set_quantity(
            actor=actor_from_request(request),
            subscription=subscription,
            quantity=body.validated_data["quantity"],
            channel=Channel.API,
        )
        return Response(SubscriptionSerializer(subscription).data)
