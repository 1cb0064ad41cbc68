"""Customer screens: the list (search, status filter, pagination)."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from customers.models import AgreementStatus
from customers.selectors import customer_list


class CustomerListView(PermissionRequiredMixin, ListView):
    permission_required = "customers.view_customer"
    template_name = "customers/customer_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self):
        return customer_list(
            user=self.request.user,
            q=self.request.GET.get("q", ""),
            status=self.request.GET.get("status", ""),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["q"] = self.request.GET.get("q", "")
        context["status"] = self.request.GET.get("status", "")
        context["statuses"] = AgreementStatus.choices
        return context
