"""The customer row lock that serialises confirmations, orders and license-count changes (R8, R9)."""

from customers.models import Customer


def customer_lock_for_update(*, customer: Customer, user) -> Customer:
    """Lock the customer's row until commit and return it fresh; another partner's is DoesNotExist (R12).

    Call it inside a transaction: confirmation_record, order_place and
    subscription_set_quantity take this lock first, so a confirmation and an
    order for the same customer never interleave.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.partner_id != user.partner_id:
        raise Customer.DoesNotExist()
    return locked
