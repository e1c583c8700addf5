"""Sending units, resident cadres, their assignments, insurance and leave (SPEC §4.1)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.accounts.roles import Role
from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet, scope_q
from minxin.core.sealedfields import LookupField, SealedField


class SendingUnitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """County-wide users see every unit of their county; others the units of the cadres they
        see; a liaison always sees its own unit."""
        if user is None or not user.is_authenticated:
            return self.none()
        query = Q(pk__in=Cadre.objects.visible_to(user).values("sending_unit_id"))
        if user.role == Role.SENDING_UNIT and user.sending_unit_id:
            query |= Q(pk=user.sending_unit_id)
        prefixes = user.scope_prefixes()
        if len(prefixes) == 1 and len(prefixes[0]) <= 6:
            query |= Q(county_code__startswith=prefixes[0])
        return self.filter(query)


class SendingUnit(TimeStampedModel):
    """派出单位: the unit a cadre comes from; "one person resident, whole unit helps"."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省直")
        CITY = "city", _("市直")
        COUNTY = "county", _("县直")
        TOWNSHIP = "township", _("乡镇")

    class Kind(models.TextChoices):
        PARTY_GOV = "party_gov", _("党政机关")
        INSTITUTION = "institution", _("事业单位")
        STATE_ENTERPRISE = "state_enterprise", _("国有企业")
        OTHER = "other", _("其他")

    name = models.CharField(_("单位名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("单位性质"), max_length=32, choices=Kind.choices)
    county_code = models.CharField(_("服务县"), max_length=12, db_index=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = SealedField(_("联系电话"), blank=True)

    objects = SendingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("派出单位")
        verbose_name_plural = _("派出单位")
        ordering = ["level", "name"]
        # Each county has its own 县委组织部, 县财政局 …: a name is unique within its county.
        constraints = [models.UniqueConstraint(fields=["county_code", "name"], name="sending_unit_name_once")]

    def __str__(self) -> str:
        return self.name


class UnitStaffQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(sending_unit__in=SendingUnit.objects.visible_to(user))


class UnitStaff(TimeStampedModel):
    """A staff member of a sending unit who helps paired households without living in the village
    ("一人驻村，全单位帮扶"): chosen as a pairing helper, so a unit's pairing is countable."""

    sending_unit = models.ForeignKey(SendingUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT,
                                     related_name="staff")
    name = models.CharField(_("姓名"), max_length=64)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    position = models.CharField(_("职务"), max_length=64, blank=True)
    active = models.BooleanField(_("在册"), default=True)

    objects = UnitStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位帮扶干部")
        verbose_name_plural = _("单位帮扶干部")
        ordering = ["sending_unit", "name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["sending_unit", "name"], name="unit_staff_unique_name")]

    def __str__(self) -> str:
        return self.name


class CadreQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        query = scope_q(user, "region_code")
        if user is not None and user.is_authenticated:
            if user.role == Role.SENDING_UNIT and user.sending_unit_id:
                query |= Q(sending_unit_id=user.sending_unit_id)
            if user.role == Role.CADRE:
                query |= Q(user_id=user.pk)
        return self.filter(query)


class Cadre(TimeStampedModel):
    """A First Secretary or resident cadre.

    `region_code` is the region that manages the cadre: the village of its current (or last)
    assignment, or the township/county that registered it before any assignment. Scoping reads it
    directly, with no join through assignments.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    scope_field = "region_code"

    name = models.CharField(_("姓名"), max_length=64)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = SealedField(_("身份证号"), kind="id_number")  # sealed: core.sealing
    id_number_hash = LookupField(source="id_number", unique=True)
    id_number_tail = LookupField(source="id_number", part="tail", db_index=True)
    phone = SealedField(_("联系电话"))
    is_party_member = models.BooleanField(_("中共党员"), default=True)
    post = models.CharField(_("原单位职务"), max_length=100, blank=True)
    sending_unit = models.ForeignKey(
        SendingUnit, verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="cadres"
    )
    region_code = models.CharField(_("管理区划"), max_length=12, db_index=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="cadre",
    )
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)

    objects = CadreQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻村干部")
        verbose_name_plural = _("驻村干部")
        ordering = ["name_pinyin", "id"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=Assignment.Status.ACTIVE)


class Assignment(TimeStampedModel):
    """A cadre's posting to a village (驻村): the village's team is its active assignments."""

    class Role(models.TextChoices):
        FIRST_SECRETARY = "first_secretary", _("第一书记")
        TEAM_LEADER = "team_leader", _("工作队长")
        TEAM_MEMBER = "team_member", _("工作队员")

    class Status(models.TextChoices):
        ACTIVE = "active", _("在岗")
        ENDED = "ended", _("期满结束")
        RECALLED = "recalled", _("召回")

    scope_field = "village__code"

    cadre = models.ForeignKey(Cadre, verbose_name=_("驻村干部"), on_delete=models.PROTECT, related_name="assignments")
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("驻村"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("驻村职务"), max_length=32, choices=Role.choices)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    end_reason = models.CharField(_("结束或召回原因"), max_length=500, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("驻村任职")
        verbose_name_plural = _("驻村任职")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["village", "status"]), models.Index(fields=["cadre", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.village} · {self.get_role_display()}"


class Insurance(TimeStampedModel):
    """人身意外伤害保险 bought by the sending unit for a resident cadre."""

    scope_field = "cadre__region_code"

    cadre = models.ForeignKey(Cadre, verbose_name=_("驻村干部"), on_delete=models.PROTECT, related_name="insurances")
    policy_number = models.CharField(_("保单号"), max_length=64)
    insurer = models.CharField(_("保险公司"), max_length=100)
    start_date = models.DateField(_("保险起期"))
    end_date = models.DateField(_("保险止期"))
    premium = models.DecimalField(_("保费（元）"), max_digits=10, decimal_places=2, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("意外伤害保险")
        verbose_name_plural = _("意外伤害保险")
        ordering = ["-end_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="insurance_end_after_start"),
            models.UniqueConstraint(fields=["insurer", "policy_number"], name="insurance_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.insurer} {self.policy_number}"


class LeaveRequest(TimeStampedModel):
    """A cadre's leave from the village. ≤ 3 days: the township approves; > 3 days: the county."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        CANCELLED = "cancelled", _("已撤回")

    class Level(models.TextChoices):
        TOWNSHIP = "township", _("乡镇审批")
        COUNTY = "county", _("县级审批")

    scope_field = "village_code"

    cadre = models.ForeignKey(Cadre, verbose_name=_("驻村干部"), on_delete=models.PROTECT, related_name="leaves")
    village_code = models.CharField(_("驻村"), max_length=12, db_index=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    days = models.PositiveSmallIntegerField(_("天数"))
    reason = models.CharField(_("事由"), max_length=500)
    approval_level = models.CharField(_("审批层级"), max_length=16, choices=Level.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="leave_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.start_date}–{self.end_date}"


class StudySessionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Sessions attended by at least one cadre the user sees (the attendee list is filtered too)."""
        return self.filter(pk__in=StudyAttendance.objects.filter(
            cadre__in=Cadre.objects.visible_to(user)).values("session_id"))


class StudySession(TimeStampedModel):
    """学习培训: a study or training session, or a talk with villagers and village cadres to learn from
    them (虚心求教), and the resident cadres who took part — the learn heart (虚心) scores its hours."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("集中学习")
        TRAINING = "training", _("专题培训")
        ONLINE = "online", _("网络学习")
        CONSULT = "consult", _("向群众和村干部请教")

    title = models.CharField(_("主题"), max_length=200)
    kind = models.CharField(_("形式"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    organiser = models.CharField(_("组织单位或请教对象"), max_length=100, blank=True)
    note = models.TextField(_("收获与体会"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("记录人区划"), max_length=12, blank=True)
    attendees = models.ManyToManyField(Cadre, through="StudyAttendance", related_name="study_sessions",
                                       verbose_name=_("参加人"))

    objects = StudySessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("学习培训")
        verbose_name_plural = _("学习培训")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=200), name="study_hours_range")]

    def __str__(self) -> str:
        return self.title


class StudyAttendance(models.Model):
    # No indexes of their own: the unique (session, cadre) and the (cadre, session) index lead with them.
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance", db_index=False)
    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="study_attendance", db_index=False)

    class Meta:
        verbose_name = _("参加学习培训")
        verbose_name_plural = _("参加学习培训")
        constraints = [models.UniqueConstraint(fields=["session", "cadre"], name="study_attendance_unique")]
        indexes = [models.Index(fields=["cadre", "session"])]

    def __str__(self) -> str:
        return f"{self.session_id} {self.cadre_id}"
