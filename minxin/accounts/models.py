"""Users with one role and one region scope, and API tokens."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.accounts import scoping
from minxin.accounts.roles import CAPABILITIES, RANK, Role
from minxin.core.scoping import ScopedQuerySet
from minxin.core.sealedfields import SealedField
from minxin.regions import codes


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account: one role, one scope region (SPEC §1).

    For cadres and sending-unit liaisons the effective scope is derived from the assignments
    (their villages), narrowed by the stored scope region.
    """

    scope_field = "scope__code"

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.VILLAGE_CLERK)
    scope = models.ForeignKey(
        "regions.Region", verbose_name=_("管辖范围"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="users",
    )
    sending_unit = models.ForeignKey(
        "cadres.SendingUnit", verbose_name=_("派出单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="liaisons",
    )
    phone = SealedField(_("联系电话"), blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["scope_id", "username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def rank(self) -> int:
        return RANK.get(self.role, 0)

    def can(self, capability: str) -> bool:
        return self.is_active and capability in CAPABILITIES.get(self.role, set())

    def scope_prefixes(self) -> list[str]:
        """Code prefixes of everything this user may see; cached for the request."""
        cached = getattr(self, "_scope_prefixes", None)
        if cached is not None:
            return cached
        prefixes: list[str] = []
        if self.scope_id:
            base = codes.prefix_of(self.scope_id)
            if self.role in (Role.CADRE, Role.SENDING_UNIT):
                prefixes = [code for code in scoping.assigned_villages(self) if code.startswith(base)]
            else:
                prefixes = [base]
        self._scope_prefixes = prefixes
        return prefixes

    def in_scope(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.scope_prefixes())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=64, blank=True)
    key_prefix = models.CharField(_("令牌前缀"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "mx_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def touch(self) -> None:
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=timezone.now())
