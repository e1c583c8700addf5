"""The precision poverty-alleviation fund (精准扶贫基金, SPEC §4.6): contributions by source, the
expert pool, applications with their budget lines, the township's check, the public notice and its
objections, the expert panel and its raw scores, the county's decision and the grant's tranches.
Every yuan in or out is a ledger transaction (`minxin.ledger`); amounts are whole fen."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.fund.rules import LINE_CATEGORIES
from minxin.ledger.models import Posted
from minxin.ledger.money import to_yuan


class Contribution(Posted):
    """政府拨一点、企业帮一点、社会捐一点: money into the county's fund."""

    class Source(models.TextChoices):
        GOVERNMENT = "government", _("政府拨款")
        ENTERPRISE = "enterprise", _("企业帮扶")
        SOCIETY = "society", _("社会捐赠")

    scope_field = "county_code"

    county_code = models.CharField(_("县"), max_length=12, db_index=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    donor = models.CharField(_("出资单位或个人"), max_length=100)
    received_on = models.DateField(_("到账日期"))
    receipt_no = models.CharField(_("收据编号"), max_length=64)
    memo = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta(Posted.Meta):
        verbose_name = _("基金筹集")
        verbose_name_plural = _("基金筹集")
        ordering = ["-received_on", "-id"]
        constraints = [*Posted.Meta.constraints,
                       models.UniqueConstraint(fields=["county_code", "receipt_no"], name="fund_receipt_no_once")]

    def __str__(self) -> str:
        return f"{self.donor} {to_yuan(self.amount_fen)}"


class Expert(TimeStampedModel):
    """评审专家: a member of the county's pool, tied to the villages and the sending unit it may not
    judge (its home, its relatives', its own unit's)."""

    scope_field = "county_code"

    county_code = models.CharField(_("县"), max_length=12, db_index=True)
    name = models.CharField(_("姓名"), max_length=64)
    organisation = models.CharField(_("工作单位"), max_length=100)
    specialty = models.CharField(_("专业领域"), max_length=100, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="expert")
    sending_unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("所属派出单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    tied_villages = models.ManyToManyField("regions.Region", verbose_name=_("回避的村"), blank=True, related_name="+")
    active = models.BooleanField(_("在库"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Application(TimeStampedModel):
    """项目申报: from a poor village, a poor household or a poor party member of it, through the
    township's check, the public notice, the expert review and the county's decision, to the grant."""

    class Beneficiary(models.TextChoices):
        VILLAGE = "village", _("贫困村")
        HOUSEHOLD = "household", _("贫困户")
        PARTY_MEMBER = "party_member", _("贫困党员")

    class Kind(models.TextChoices):
        PRODUCTIVE = "productive", _("造血式（产业、技能、创业）")
        RELIEF = "relief", _("输血式（生活救助）")

    class State(models.TextChoices):
        DRAFT = "draft", _("村级拟报")
        SUBMITTED = "submitted", _("待乡镇审核")
        RETURNED = "returned", _("乡镇退回")
        CHECKED = "checked", _("乡镇审核通过")
        NOTICE = "notice", _("公示与专家评审")
        APPROVED = "approved", _("县级批准")
        REJECTED = "rejected", _("县级不予支持")
        CLOSED = "closed", _("已验收结项")

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("申报编号"), max_length=20, unique=True)
    title = models.CharField(_("项目名称"), max_length=100)
    beneficiary = models.CharField(_("受益对象"), max_length=14, choices=Beneficiary.choices)
    household = models.ForeignKey("registry.Household", verbose_name=_("受益户"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("项目类型"), max_length=12, choices=Kind.choices)
    plan = models.TextField(_("实施方案"))
    mechanism = models.TextField(_("带贫益贫机制"))
    targets = models.TextField(_("绩效目标"))
    beneficiaries = models.PositiveIntegerField(_("带动贫困户数"), default=0)
    requested_fen = models.BigIntegerField(_("申请金额（分）"), default=0)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    checked_on = models.DateField(_("乡镇审核日期"), null=True, blank=True)
    check_result = models.JSONField(_("乡镇审核意见"), default=dict, blank=True)
    notice_from = models.DateField(_("申报公示开始"), null=True, blank=True)
    notice_until = models.DateField(_("申报公示截止"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    approved_fen = models.BigIntegerField(_("批准金额（分）"), null=True, blank=True)
    direction = models.TextField(_("决定意见（资金用途和要求）"), blank=True)
    decision_notice_until = models.DateField(_("决定公示截止"), null=True, blank=True)
    closed_on = models.DateField(_("验收日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目申报")
        verbose_name_plural = _("项目申报")
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(approved_fen__isnull=True) | Q(approved_fen__gt=0),
                                              name="fund_approved_positive")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class BudgetLine(models.Model):
    application = models.ForeignKey(Application, verbose_name=_("项目申报"), on_delete=models.CASCADE,
                                    related_name="lines")
    category = models.CharField(_("支出类别"), max_length=12, choices=LINE_CATEGORIES)
    item = models.CharField(_("支出内容"), max_length=100)
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("预算明细")
        verbose_name_plural = _("预算明细")
        ordering = ["application", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_line_positive")]

    def __str__(self) -> str:
        return self.item


class Objection(models.Model):
    """异议: raised during a public notice, and how it was answered."""

    scope_field = "application__village__code"

    application = models.ForeignKey(Application, verbose_name=_("项目申报"), on_delete=models.PROTECT,
                                    related_name="objections")
    received_on = models.DateField(_("收到日期"))
    raised_by = models.CharField(_("反映人（可匿名）"), max_length=64, blank=True)
    content = models.TextField(_("异议内容"))
    answer = models.TextField(_("核实处理情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return self.content[:30]


class PanelSeat(models.Model):
    """An expert drawn onto an application's panel (in the order drawn), and its raw scores once given."""

    scope_field = "application__village__code"

    application = models.ForeignKey(Application, verbose_name=_("项目申报"), on_delete=models.PROTECT,
                                    related_name="seats")
    expert = models.ForeignKey(Expert, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="seats")
    drawn_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)
    levels = models.JSONField(_("各项评分等级"), null=True, blank=True)
    total = models.DecimalField(_("评分"), max_digits=5, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("评审意见"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("评审席位")
        verbose_name_plural = _("评审席位")
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="fund_seat_once")]

    def __str__(self) -> str:
        return f"{self.application} {self.expert}"


class Tranche(Posted):
    """A payment of an approved grant: the advance, on completion, after acceptance (the retention)."""

    class Stage(models.TextChoices):
        ADVANCE = "advance", _("预拨")
        COMPLETION = "completion", _("完工拨付")
        ACCEPTANCE = "acceptance", _("验收后拨付（质保金）")

    scope_field = "application__village__code"

    application = models.ForeignKey(Application, verbose_name=_("项目申报"), on_delete=models.PROTECT,
                                    related_name="tranches")
    stage = models.CharField(_("拨付阶段"), max_length=12, choices=Stage.choices)
    paid_on = models.DateField(_("拨付日期"))
    voucher = models.CharField(_("拨付凭证号"), max_length=64, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta(Posted.Meta):
        verbose_name = _("资金拨付")
        verbose_name_plural = _("资金拨付")
        ordering = ["application", "paid_on", "id"]

    def __str__(self) -> str:
        return f"{self.application} {self.get_stage_display()}"
