"""A petition (信访事项) handled under the 2022 信访工作条例: registered, accepted or not within 15 days,
handled within 60 days of acceptance (once extended by up to 30 with a reason), answered; the
petitioner may ask for a review (复查) and then a re-review (复核), each within 30 days of the
answer before it. A backlog case (积案) has a leader who answers for it (领导包案) and a deadline.
`due_on` is the deadline of whatever the office owes next (none once answered and not reopened)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.core.sealedfields import SealedField
from minxin.disputes.models.case import CaseStep


class Petition(TimeStampedModel):
    class Channel(models.TextChoices):
        VISIT = "visit", _("来访")
        LETTER = "letter", _("来信")
        ONLINE = "online", _("网上信访")
        PHONE = "phone", _("电话")

    class Nature(models.TextChoices):
        DEMAND = "demand", _("求决类")
        SUGGESTION = "suggestion", _("建议意见类")
        ACCUSATION = "accusation", _("揭发控告类")
        APPEAL = "appeal", _("申诉类")

    class State(models.TextChoices):
        REGISTERED = "registered", _("已登记，待受理")
        ACCEPTED = "accepted", _("已受理，办理中")
        REJECTED = "rejected", _("不予受理")
        REPLIED = "replied", _("已答复")
        REVIEW_REQUESTED = "review_requested", _("复查中")
        REVIEWED = "reviewed", _("已复查")
        REREVIEW_REQUESTED = "rereview_requested", _("复核中")
        REREVIEWED = "rereviewed", _("已复核")
        CLOSED = "closed", _("已办结")

    class Result(models.TextChoices):
        SUPPORTED = "supported", _("予以支持")
        PARTLY = "partly", _("部分支持")
        NOT_SUPPORTED = "not_supported", _("不予支持")

    scope_field = "region__code"

    region = models.ForeignKey("regions.Region", verbose_name=_("所在村（乡镇）"), on_delete=models.PROTECT,
                               related_name="+")
    member = models.ForeignKey("registry.Member", verbose_name=_("信访人（本村村民）"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    petitioner = models.CharField(_("信访人"), max_length=64)
    phone = SealedField(_("联系电话"), blank=True)
    persons = models.PositiveSmallIntegerField(_("人数"), default=1)
    channel = models.CharField(_("信访形式"), max_length=8, choices=Channel.choices)
    nature = models.CharField(_("信访事项性质"), max_length=12, choices=Nature.choices)
    title = models.CharField(_("信访事项"), max_length=100)
    content = models.TextField(_("主要诉求"))
    strategy = models.TextField(_("化解措施"), blank=True)
    received_on = models.DateField(_("登记日期"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.REGISTERED)
    due_on = models.DateField(_("当前期限"), null=True, blank=True, db_index=True)
    decided_on = models.DateField(_("受理决定日期"), null=True, blank=True)
    decision_note = models.TextField(_("受理意见"), blank=True)
    handler = models.CharField(_("承办单位"), max_length=100, blank=True)
    handling_due = models.DateField(_("办理期限"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    result = models.CharField(_("处理意见"), max_length=16, choices=Result.choices, blank=True)
    reply = models.TextField(_("答复意见"), blank=True)
    review_requested_on = models.DateField(_("申请复查日期"), null=True, blank=True)
    reviewed_on = models.DateField(_("复查意见日期"), null=True, blank=True)
    review_note = models.TextField(_("复查意见"), blank=True)
    rereview_requested_on = models.DateField(_("申请复核日期"), null=True, blank=True)
    rereviewed_on = models.DateField(_("复核意见日期"), null=True, blank=True)
    rereview_note = models.TextField(_("复核意见"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    backlog_leader = models.CharField(_("包案领导"), max_length=100, blank=True)
    backlog_deadline = models.DateField(_("化解期限"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访事项")
        verbose_name_plural = _("信访事项")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["region", "received_on"], name="petition_region_received"),
                   models.Index(fields=["state", "due_on"], name="petition_state_due")]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    @property
    def case_no(self) -> str:
        return f"（{self.received_on:%Y}）信字第{self.pk}号"

    @property
    def is_backlog(self) -> bool:
        return bool(self.backlog_leader)

    @property
    def extended(self) -> bool:
        return bool(self.extension_reason)


class PetitionStep(CaseStep):
    class Step(models.TextChoices):
        REGISTER = "register", _("登记")
        ACCEPT = "accept", _("受理")
        REJECT = "reject", _("不予受理")
        EXTEND = "extend", _("延期办理")
        REPLY = "reply", _("答复")
        REQUEST_REVIEW = "request_review", _("申请复查")
        REVIEW = "review", _("复查意见")
        REQUEST_REREVIEW = "request_rereview", _("申请复核")
        REREVIEW = "rereview", _("复核意见")
        CLOSE = "close", _("办结")
        BACKLOG = "backlog", _("列为积案（领导包案）")

    petition = models.ForeignKey(Petition, verbose_name=_("信访事项"), on_delete=models.CASCADE,
                                 related_name="steps")
    step = models.CharField(_("环节"), max_length=20, choices=Step.choices)

    class Meta:
        verbose_name = _("信访办理环节")
        verbose_name_plural = _("信访办理环节")
        ordering = ["petition", "created_at", "id"]
