"""Factories per app (factory-boy)."""

import datetime
import uuid

import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Partner, User
from agreements.models import AgreementTemplate, AgreementType, Confirmation, ConfirmationChannel
from agreements.selectors import template_latest_mca
from customers.models import Customer
from orders.models import Offer, Order, OrderLine, Subscription

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Partner {n}")
    type = Partner.Type.DIRECT_BILL


class UserFactory(factory.django.DjangoModelFactory):
    """A partner user with one role: UserFactory(role=roles.SALES_AGENT); role=None for none."""

    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Test"
    last_name = "User"
    partner = factory.SubFactory(PartnerFactory)
    time_zone = "UTC"
    role = roles.ADMIN_AGENT

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        role = kwargs.pop("role", None)
        password = kwargs.pop("password", DEFAULT_PASSWORD)
        user = super()._create(model_class, *args, **kwargs)
        user.set_password(password)
        user.save(update_fields=["password"])
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user


class StaffFactory(UserFactory):
    partner = None
    is_staff = True
    is_superuser = True
    role = None


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    partner = factory.SubFactory(PartnerFactory)
    company_name = factory.Sequence(lambda n: f"Customer {n:05d}")
    domain = factory.Sequence(lambda n: f"customer{n}.onmicrosoft.com")
    email = factory.Sequence(lambda n: f"billing{n}@example.com")
    address_line1 = "1 Main Street"
    city = "Seattle"
    country = "US"
    contact_first_name = "Pat"
    contact_last_name = "Primary"
    contact_email = factory.Sequence(lambda n: f"pat{n}@example.com")


class AgreementTemplateFactory(factory.django.DjangoModelFactory):
    """Another version of the Microsoft Customer Agreement (staff add them in the admin, R7)."""

    class Meta:
        model = AgreementTemplate

    template_id = factory.LazyFunction(uuid.uuid4)
    agreement_type = AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
    agreement_link = "https://aka.ms/customeragreement"
    version_rank = 1
    published_on = datetime.date(2023, 1, 1)


class ConfirmationFactory(factory.django.DjangoModelFactory):
    """A stored confirmation; use confirmed_customer() to also make it the current one."""

    class Meta:
        model = Confirmation

    customer = factory.SubFactory(CustomerFactory)
    partner = factory.SelfAttribute("customer.partner")
    template = factory.LazyFunction(template_latest_mca)
    agreement_type = AgreementType.MICROSOFT_CUSTOMER_AGREEMENT
    first_name = "Ada"
    last_name = "Acceptor"
    email = factory.Sequence(lambda n: f"ada{n}@example.com")
    date_agreed = datetime.date(2024, 1, 15)
    channel = ConfirmationChannel.ACCOUNT_INFO


def confirmed_customer(**kwargs) -> Customer:
    """A customer whose current confirmation exists (status Confirmed)."""
    customer = CustomerFactory(**kwargs)
    confirmation = ConfirmationFactory(customer=customer)
    customer.current_confirmation = confirmation
    customer.save(update_fields=["current_confirmation"])
    return customer


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        django_get_or_create = ["id"]

    id = factory.Sequence(lambda n: f"OFFER{n:04d}:0001")
    name = factory.Sequence(lambda n: f"Offer {n}")
    billing_type = Offer.BillingType.LICENSE
    min_quantity = 1
    max_quantity = 300


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    placed_by = factory.SubFactory(UserFactory, partner=factory.SelfAttribute("..customer.partner"))
    channel = "web"


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    line_item_number = factory.Sequence(lambda n: n)
    offer = factory.SubFactory(OfferFactory)
    quantity = 5


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    offer = factory.SubFactory(OfferFactory)
    quantity = 5
