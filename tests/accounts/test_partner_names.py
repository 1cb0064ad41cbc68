"""Partner names are unique ignoring case: staff choose a user's partner by its name (R12)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Partner
from tests.migrations import migrate

pytestmark = pytest.mark.django_db

TAKEN = "A partner with this name already exists (ignoring case)."


def test_r12_a_partner_name_differing_from_anothers_only_in_case_is_refused(partner):
    # "Contoso Partner" and "contoso partner" side by side in the user admin's partner list:
    # a user put in the wrong one sees another partner's customers.
    with pytest.raises(ValidationError) as refused:
        Partner(name="contoso PARTNER", type=Partner.Type.DIRECT_BILL).full_clean()
    assert refused.value.messages == [TAKEN]
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="contoso partner", type=Partner.Type.DIRECT_BILL)
    Partner(name="Contoso Partners", type=Partner.Type.DIRECT_BILL).full_clean()  # another name
    partner.name = "CONTOSO PARTNER"
    partner.full_clean()  # the partner itself, renamed


def test_r12_the_admin_refuses_a_partner_name_differing_from_anothers_only_in_case(
    client, staff_user, partner
):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:accounts_partner_add"), {"name": "contoso partner", "type": Partner.Type.DIRECT_BILL}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [TAKEN]
    assert TAKEN in response.text
    assert list(Partner.objects.values_list("name", flat=True)) == ["Contoso Partner"]
    change = reverse("admin:accounts_partner_change", args=[partner.pk])
    renamed = client.post(change, {"name": "Contoso partner", "type": Partner.Type.DIRECT_BILL})
    assert renamed.status_code == 302
    assert Partner.objects.get(pk=partner.pk).name == "Contoso partner"


@pytest.mark.django_db(transaction=True)
def test_r12_migration_0006_stops_at_partner_names_differing_only_in_case_and_names_them():
    try:
        migrate([("accounts", "0005_api_token_proxy")])  # no constraint yet
        Partner.objects.create(name="Contoso Partner", type=Partner.Type.DIRECT_BILL)
        Partner.objects.create(name="contoso partner", type=Partner.Type.DIRECT_BILL)
        Partner.objects.create(name="Northwind Partner", type=Partner.Type.DIRECT_BILL)
        with pytest.raises(RuntimeError, match="'Contoso Partner', 'contoso partner'$"):
            migrate(None)
        Partner.objects.filter(name="contoso partner").delete()
        migrate(None)
    finally:
        Partner.objects.filter(name="contoso partner").delete()
        migrate(None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="NORTHWIND PARTNER", type=Partner.Type.DIRECT_BILL)
