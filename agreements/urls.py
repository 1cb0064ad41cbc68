from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("<uuid:tenant_id>/agreement/", views.confirmation_update, name="confirm"),
]
