"""Partners (tenants of Accord) and their users."""

import uuid
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken


def _time_zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def _default_time_zone():
    return settings.TIME_ZONE


class Partner(models.Model):
    """A partner organisation; every user except staff belongs to exactly one."""

    class Type(models.TextChoices):
        DIRECT_BILL = "direct_bill", _("Direct-bill partner")
        INDIRECT_PROVIDER = "indirect_provider", _("Indirect provider")
        INDIRECT_RESELLER = "indirect_reseller", _("Indirect reseller")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=32, choices=Type.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=["direct_bill", "indirect_provider", "indirect_reseller"]),
                name="partner_type_valid",
            ),
            # "Contoso Partner" and "contoso partner" are one organisation to the people choosing
            # from a list of partners.
            models.UniqueConstraint(
                Lower("name"),
                name="partner_name_unique_ignoring_case",
                violation_error_code="partner_name_taken",
                violation_error_message=_("A partner with this name already exists (ignoring case)."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def can_confirm_agreements(self) -> bool:
        """R4: indirect resellers ask their indirect provider instead."""
        return self.type != self.Type.INDIRECT_RESELLER


# The stored password of a user loaded without it.
_UNKNOWN = object()


class User(AbstractUser):
    """A portal user: belongs to one partner (staff to none) and has a time zone (R2)."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=_time_zone_choices, default=_default_time_zone
    )
    # The user's id in the API (Partner Center's userId is a GUID, not a row number).
    api_id = models.UUIDField(_("API ID"), default=uuid.uuid4, unique=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def zoneinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_password = user.__dict__.get("password", _UNKNOWN)  # unknown when deferred
        return user

    def save(self, *args, **kwargs):
        # A new stored password (set, reset or made unusable) ends the user's other sessions
        # (Django's session hash); it ends the user's API tokens too, so a token taken from a
        # stolen session, or held by a shut-out account, dies with the password.
        update_fields = kwargs.get("update_fields")
        stored = getattr(self, "_stored_password", _UNKNOWN)
        password_changed = (
            not self._state.adding
            and (update_fields is None or "password" in update_fields)
            and (self._password is not None if stored is _UNKNOWN else self.password != stored)
        )
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed:
                self.auth_token_set.all().delete()
        if update_fields is None or "password" in update_fields:
            self._stored_password = self.password


class ApiToken(AuthToken):
    """A knox token, as staff see it in the admin: named in their language (R16).

    knox names its model and fields in English only ("auth token", "token key"), which
    the admin showed in every language.
    """

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
