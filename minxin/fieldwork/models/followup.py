"""What villagers ask for and how it is followed up: needs (民情), requests (群众诉求), liaison cards."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.core.sealedfields import SealedField


class Need(TimeStampedModel):
    """民情: a need or opinion a villager voiced (所思所想所盼), followed up by an owner until closed."""

    class Category(models.TextChoices):
        INCOME = "income", _("增收就业")
        INDUSTRY = "industry", _("产业发展")
        HOUSING = "housing", _("住房安全")
        MEDICAL = "medical", _("看病就医")
        EDUCATION = "education", _("子女上学")
        WATER = "water", _("饮水安全")
        ROAD = "road", _("道路交通")
        SECURITY = "security", _("社会保障")
        DISPUTE = "dispute", _("矛盾纠纷")
        POLICY = "policy", _("政策咨询")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        IN_PROGRESS = "in_progress", _("办理中")
        CLOSED = "closed", _("已办结")

    scope_field = "village__code"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("农户"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="needs")
    visit = models.ForeignKey("fieldwork.Visit", verbose_name=_("来自走访"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="needs")
    meeting = models.ForeignKey("fieldwork.Meeting", verbose_name=_("来自会议"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="needs")
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    text = models.TextField(_("内容"))
    status = models.CharField(_("办理状态"), max_length=16, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    progress = models.TextField(_("办理情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民情")
        verbose_name_plural = _("民情")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["village", "status"], name="need_village_status")]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.text[:30]}"


# A request's reference number (受理编号): 8 characters without look-alikes (no 0/O, 1/I), read out
# over the phone and typed on the QR page to see the answer. 32^8 ≈ 10^12 values: not guessable
# through a rate-limited page, and looked up only together with the card's own token.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _position in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    """What a villager typed (lower case, spaces, the dash) → the stored form; "" if it cannot be one."""
    value = "".join(ch for ch in (text or "")[:32].upper() if ch not in " -")
    if len(value) != REFERENCE_LENGTH or any(ch not in REFERENCE_ALPHABET for ch in value):
        return ""
    return value


class VillagerRequestQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=VillagerRequest.Status.CLOSED)

    def overdue(self, now=None):
        now = now or timezone.now()
        limit = now - timezone.timedelta(days=settings.MINXIN_REQUEST_OVERDUE_DAYS)
        return self.filter(Q(answered_at__isnull=True), submitted_at__lt=limit).open()


class VillagerRequest(TimeStampedModel):
    """群众诉求: raised from a liaison card's QR code (no login), on a visit or at a meeting;
    assigned, answered and closed, with the response time and the villager's satisfaction."""

    class Source(models.TextChoices):
        CARD = "card", _("连心卡扫码")
        VISIT = "visit", _("走访收集")
        MEETING = "meeting", _("会议收集")

    class Status(models.TextChoices):
        NEW = "new", _("待分派")
        ASSIGNED = "assigned", _("办理中")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    scope_field = "village__code"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("受理编号"), max_length=REFERENCE_LENGTH, unique=True, default=new_reference,
                                 editable=False)
    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("农户"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="requests")
    card = models.ForeignKey("fieldwork.LiaisonCard", verbose_name=_("连心卡"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="requests")
    visit = models.ForeignKey("fieldwork.Visit", verbose_name=_("来自走访"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="requests")
    meeting = models.ForeignKey("fieldwork.Meeting", verbose_name=_("来自会议"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="requests")
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    text = models.TextField(_("诉求内容"))
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = SealedField(_("联系电话"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW)
    submitted_at = models.DateTimeField(_("提出时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    satisfaction = models.CharField(_("群众满意度"), max_length=16, choices=Satisfaction.choices, blank=True)

    objects = VillagerRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众诉求")
        verbose_name_plural = _("群众诉求")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["village", "status", "submitted_at"], name="request_village_status")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}：{self.text[:30]}"

    @property
    def reference_display(self) -> str:
        return f"{self.reference[:4]}-{self.reference[4:]}" if self.reference else ""

    @property
    def response_hours(self) -> float | None:
        """Hours from submission to the first answer (the figure the livelihood duty looks at)."""
        if self.answered_at is None:
            return None
        return round((self.answered_at - self.submitted_at).total_seconds() / 3600, 1)

    @property
    def is_overdue(self) -> bool:
        if self.status == self.Status.CLOSED or self.answered_at is not None:
            return False
        age = timezone.now() - self.submitted_at
        return age.days >= settings.MINXIN_REQUEST_OVERDUE_DAYS


def new_card_token() -> str:
    # 128 random bits, URL-safe: the QR code carries this, never the household's id.
    return secrets.token_urlsafe(16)


class LiaisonCard(TimeStampedModel):
    """干群连心卡 issued to one household; its QR code opens the request page via `token`.

    Re-issuing a card revokes the previous one (its QR code stops working)."""

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("农户"), on_delete=models.PROTECT,
                                  related_name="liaison_cards")
    token = models.CharField(max_length=32, unique=True, default=new_card_token, editable=False)
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发放人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("干群连心卡")
        verbose_name_plural = _("干群连心卡")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(revoked_at__isnull=True),
                                    name="one_active_card_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {timezone.localtime(self.issued_at):%Y-%m-%d}"


class SyncReceipt(models.Model):
    """Every record accepted from the field app: its client UUID and a hash of its content.

    The unique UUID makes a batch safe to send any number of times, even twice at once: the
    second insert fails on the constraint and the record is answered as a duplicate (same hash)
    or a conflict (different content; the first stays).
    """

    uuid = models.UUIDField(unique=True)
    record_type = models.CharField(max_length=16)
    content_hash = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("同步回执")
        verbose_name_plural = _("同步回执")

    def __str__(self) -> str:
        return f"{self.record_type} {self.uuid}"
