"""The one page size and the one way to read `?page=` for the portal's paged lists (issue 6)."""

from django.core.paginator import Page, Paginator

# Rows on a page of every list: customers, the confirmation history, orders, subscriptions, and
# the admin's customer list and confirmations inline.
PER_PAGE = 25


def page_of(request, object_list) -> Page:
    """The page `?page=` names; past the end is the last page and not a number the first, never a 404."""
    return Paginator(object_list, PER_PAGE).get_page(requested_page(request))


def requested_page(request) -> str | int | None:
    """`?page=` for Paginator.get_page, where 0 and below mean the first page (get_page: the last)."""
    value = request.GET.get("page")
    try:
        return 1 if int(value) < 1 else value
    except (TypeError, ValueError):
        return value
