from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("<uuid:tenant_id>/orders/", views.order_list, name="list"),
    path("<uuid:tenant_id>/orders/new/", views.order_new, name="new"),
    path("<uuid:tenant_id>/subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        "<uuid:tenant_id>/subscriptions/<int:subscription_id>/quantity/",
        views.subscription_quantity,
        name="subscription_quantity",
    ),
]
