"""Migration agreements 0005: every existing confirmation gets its customer's partner (R12)."""

import pytest
from django.db import connection

from agreements.models import Confirmation
from tests.factories import ConfirmationFactory, CustomerFactory
from tests.migrations import migrate

BEFORE = [("agreements", "0004_confirmation_confirmation_recent")]


@pytest.mark.django_db(transaction=True)
def test_r12_migration_0005_gives_each_existing_confirmation_its_customers_partner(partner, other_partner):
    ours = CustomerFactory(partner=partner)
    theirs = CustomerFactory(partner=other_partner)
    ConfirmationFactory.create_batch(2, customer=ours)
    ConfirmationFactory(customer=theirs)
    try:
        migrate(BEFORE)  # drops the column: the partners are gone
        with connection.cursor() as cursor:
            columns = [
                c.name
                for c in connection.introspection.get_table_description(cursor, "agreements_confirmation")
            ]
        assert "partner_id" not in columns
        migrate(None)
    finally:
        migrate(None)
    stored = sorted(Confirmation.objects.values_list("customer__partner_id", "partner_id"))
    assert stored == sorted([(partner.pk, partner.pk)] * 2 + [(other_partner.pk, other_partner.pk)])
