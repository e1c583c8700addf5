"""A dispute's case file (一案一卷): who is in it, what it is about, how risky, and each of the five
"early" steps (早报告 → 早部署 → 早预防 → 早排查 → 早化解) with who took it and when; escalation to the
township; the mediation, its result and agreement, the follow-up visit and the judicial confirmation.
The order of the steps is kept by `disputes.flow`; each step taken is a `DisputeStep` row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.core.sealedfields import SealedField


class Dispute(TimeStampedModel):
    class Intake(models.TextChoices):
        ACTIVE = "active", _("主动调解")
        APPLICATION = "application", _("申请调解")
        REFERRAL = "referral", _("委托移送")

    class Category(models.TextChoices):
        FAMILY = "family", _("婚姻家庭")
        NEIGHBOUR = "neighbour", _("邻里纠纷")
        HOUSE = "house", _("房屋宅基地")
        FOREST = "forest", _("山林土地")
        CONTRACT_LAND = "contract_land", _("土地承包经营")
        CONTRACT = "contract", _("合同纠纷")
        BUSINESS = "business", _("生产经营")
        DAMAGES = "damages", _("损害赔偿")
        LABOUR = "labour", _("劳动争议")
        EXPROPRIATION = "expropriation", _("征地拆迁")
        VILLAGE_AFFAIRS = "village_affairs", _("村务管理")
        OTHER = "other", _("其他")

    class Risk(models.TextChoices):
        RED = "red", _("红色（重点）")
        ORANGE = "orange", _("橙色（关注）")
        YELLOW = "yellow", _("黄色（一般）")
        BLUE = "blue", _("蓝色（隐患）")

    class State(models.TextChoices):
        REPORTED = "reported", _("早报告")
        ASSIGNED = "assigned", _("早部署")
        PREVENTED = "prevented", _("早预防")
        INVESTIGATED = "investigated", _("早排查")
        RESOLVED = "resolved", _("早化解")

    class Level(models.TextChoices):
        VILLAGE = "village", _("村级调解")
        TOWNSHIP = "township", _("上报乡镇")

    class Result(models.TextChoices):
        SUCCESS = "success", _("调解成功")
        FAILED = "failed", _("调解不成功")
        TERMINATED = "terminated", _("终止调解")

    class Agreement(models.TextChoices):
        NONE = "", _("无协议")
        WRITTEN = "written", _("书面协议")
        ORAL = "oral", _("口头协议")

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("案由"), max_length=100)
    summary = models.TextField(_("纠纷简要情况"))
    intake = models.CharField(_("受理方式"), max_length=16, choices=Intake.choices)
    category = models.CharField(_("纠纷类别"), max_length=16, choices=Category.choices)
    risk = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices)
    arose_on = models.DateField(_("发现日期"))
    reported_on = models.DateField(_("报告日期"))
    state = models.CharField(_("进度"), max_length=16, choices=State.choices, default=State.REPORTED)
    level = models.CharField(_("调处层级"), max_length=8, choices=Level.choices, default=Level.VILLAGE)
    # The date the mediation is due (reported + MINXIN_DISPUTE_DAYS); empty once concluded.
    due_on = models.DateField(_("办结期限"), null=True, blank=True, db_index=True)
    source_visit = models.ForeignKey("fieldwork.Visit", verbose_name=_("来自走访"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    source_need = models.ForeignKey("fieldwork.Need", verbose_name=_("来自民情"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    source_request = models.ForeignKey("fieldwork.VillagerRequest", verbose_name=_("来自群众诉求"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    mediator = models.CharField(_("调解员"), max_length=64, blank=True)
    measures = models.TextField(_("预防措施"), blank=True)
    findings = models.TextField(_("排查核实情况"), blank=True)
    escalated_on = models.DateField(_("上报乡镇日期"), null=True, blank=True)
    escalation_reason = models.TextField(_("上报理由"), blank=True)
    mediation_record = models.TextField(_("调解记录"), blank=True)
    result = models.CharField(_("调解结果"), max_length=16, choices=Result.choices, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    agreement = models.CharField(_("调解协议"), max_length=8, choices=Agreement.choices, blank=True)
    agreement_terms = models.TextField(_("协议内容"), blank=True)
    amount = models.DecimalField(_("协议金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    perform_by = models.DateField(_("履行期限"), null=True, blank=True)
    performed_on = models.DateField(_("履行日期"), null=True, blank=True)
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    follow_up_note = models.TextField(_("回访情况"), blank=True)
    judicial_applied_on = models.DateField(_("申请司法确认日期"), null=True, blank=True)
    judicial_court = models.CharField(_("受理法院"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["village", "reported_on"], name="dispute_village_reported"),
                   models.Index(fields=["state", "due_on"], name="dispute_state_due")]
        constraints = [
            models.CheckConstraint(condition=Q(reported_on__gte=models.F("arose_on")), name="dispute_reported_after"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="dispute_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    @property
    def case_no(self) -> str:
        return f"（{self.reported_on:%Y}）调字第{self.pk}号"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


class DisputeParty(models.Model):
    """A party (当事人): a villager of the registry (linked, so its identifiers stay where they are
    masked) or an outsider, named with a phone that is masked like every phone."""

    class Side(models.TextChoices):
        FIRST = "first", _("当事人一方")
        SECOND = "second", _("当事人另一方")

    dispute = models.ForeignKey(Dispute, verbose_name=_("矛盾纠纷"), on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=8, choices=Side.choices)
    member = models.ForeignKey("registry.Member", verbose_name=_("本村村民"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("姓名或名称"), max_length=64)
    phone = SealedField(_("联系电话"), blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["dispute", "side", "id"]

    def __str__(self) -> str:
        return self.name


class CaseStep(models.Model):
    """One step of a case as it was taken: which, on what day, by whom, with what note."""

    done_on = models.DateField(_("日期"))
    note = models.TextField(_("情况"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                           on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.done_on:%Y-%m-%d}"


class DisputeStep(CaseStep):
    class Step(models.TextChoices):
        REPORT = "report", _("早报告")
        ASSIGN = "assign", _("早部署")
        PREVENT = "prevent", _("早预防")
        INVESTIGATE = "investigate", _("早排查")
        RESOLVE = "resolve", _("早化解")
        ESCALATE = "escalate", _("上报乡镇")
        PERFORM = "perform", _("协议履行")
        FOLLOW_UP = "follow_up", _("回访")
        JUDICIAL = "judicial", _("申请司法确认")

    dispute = models.ForeignKey(Dispute, verbose_name=_("矛盾纠纷"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["dispute", "created_at", "id"]
