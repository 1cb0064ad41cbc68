from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    path("new/", views.customer_new, name="new"),
    path("<uuid:tenant_id>/", views.customer_detail, name="detail"),
    path("<uuid:tenant_id>/edit/", views.customer_edit, name="edit"),
]
