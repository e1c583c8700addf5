"""The village party branch (基层党建, SPEC §4.8): the branch and its two committees, its members
(people of the registry or cadres), dual contacts, organisational life as dated events with
attendance, the development pipeline (a case per applicant, each step dated, under a versioned set
of time rules), reserve cadres and the 领头雁 pool, villager satisfaction surveys, the weak-branch
warning (computed daily, plus manual flags), rectification and demonstration sites.

Every row is scoped by its village's code."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minxin.core.models import TimeStampedModel
from minxin.core.scoping import ScopedQuerySet
from minxin.party.rules import LIFE_CHOICES

USER = settings.AUTH_USER_MODEL


class Branch(TimeStampedModel):
    """村党组织: one per village."""

    scope_field = "village__code"

    village = models.OneToOneField("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT,
                                   related_name="party_branch")
    name = models.CharField(_("党组织名称"), max_length=100)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    joint_unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("联建单位（联建党支部）"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="joint_branches")
    contact_unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("联系机关支部的单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="contacted_branches")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村党组织")
        verbose_name_plural = _("村党组织")
        ordering = ["village__code"]

    def __str__(self) -> str:
        return self.name


class Post(TimeStampedModel):
    """A seat of the two committees (村两委) for a 5-year term: held by a person of the registry, or
    vacant since a date."""

    class Committee(models.TextChoices):
        PARTY = "party", _("村党组织委员会")
        VILLAGE = "village", _("村民委员会")

    class Title(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY = "deputy", _("副书记")
        MEMBER = "member", _("委员")
        DIRECTOR = "director", _("主任")
        VICE_DIRECTOR = "vice_director", _("副主任")

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.CASCADE, related_name="posts")
    committee = models.CharField(_("班子"), max_length=8, choices=Committee.choices)
    title = models.CharField(_("职务"), max_length=16, choices=Title.choices)
    term_start = models.PositiveSmallIntegerField(_("本届起始年份"))
    holder = models.ForeignKey("registry.Member", verbose_name=_("任职人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("任职日期"), null=True, blank=True)
    vacant_since = models.DateField(_("空缺起始日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("村两委职务")
        verbose_name_plural = _("村两委职务")
        ordering = ["branch", "committee", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(holder__isnull=True, vacant_since__isnull=False) | Q(holder__isnull=False, vacant_since__isnull=True),
            name="party_post_held_or_vacant")]

    def __str__(self) -> str:
        return f"{self.get_committee_display()}{self.get_title_display()}"

    @property
    def term_end(self) -> int:
        return self.term_start + 5


class PartyMember(TimeStampedModel):
    """A party member of the branch: a person of the registry or a cadre (never typed twice)."""

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.PROTECT, related_name="members")
    person = models.OneToOneField("registry.Member", verbose_name=_("村民"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="party_membership")
    cadre = models.OneToOneField("cadres.Cadre", verbose_name=_("驻村干部"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="party_membership")
    status = models.CharField(_("党员类别"), max_length=16, choices=Status.choices, default=Status.FULL)
    joined_on = models.DateField(_("入党日期"))
    full_on = models.DateField(_("转正日期"), null=True, blank=True)
    left_on = models.DateField(_("转出日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch", "joined_on", "id"]
        constraints = [models.CheckConstraint(
            condition=Q(person__isnull=True, cadre__isnull=False) | Q(person__isnull=False, cadre__isnull=True),
            name="party_member_person_or_cadre")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.person.name if self.person_id else self.cadre.name  # type: ignore[union-attr]


class Contact(TimeStampedModel):
    """党员干部联系群众: a member of the branch keeps in touch with a household."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.CASCADE, related_name="contacts")
    member = models.ForeignKey(PartyMember, verbose_name=_("联系党员"), on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("联系农户"), on_delete=models.CASCADE,
                                  related_name="+")
    since = models.DateField(_("起始日期"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员联系户")
        verbose_name_plural = _("党员联系户")
        constraints = [models.UniqueConstraint(fields=["member", "household"], name="party_contact_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.household_id}"


class Event(TimeStampedModel):
    """One meeting of the branch's organisational life, with who attended."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("类别"), max_length=16, choices=LIFE_CHOICES)
    held_on = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=200)
    attendees = models.ManyToManyField(PartyMember, verbose_name=_("参加党员"), related_name="events", blank=True)
    expected = models.PositiveSmallIntegerField(_("应到人数"))
    note = models.TextField(_("记录摘要"), blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织生活")
        verbose_name_plural = _("组织生活")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["branch", "kind", "held_on"], name="party_event_branch_kind")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}"


class Case(TimeStampedModel):
    """One applicant's way into the party, under the rules version in force on the application day
    (kept for the whole case). `stage` is where the case stands; its steps hold the dates."""

    class Stage(models.TextChoices):
        APPLICANT = "applicant", _("入党申请人")
        ACTIVIST = "activist", _("入党积极分子")
        TARGET = "target", _("发展对象")
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")
        STOPPED = "stopped", _("已终止")

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.PROTECT, related_name="cases")
    person = models.ForeignKey("registry.Member", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    rules_version = models.CharField(_("执行的发展党员规定版本"), max_length=16)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices, default=Stage.APPLICANT)
    applied_on = models.DateField(_("递交申请日期"))
    stage_on = models.DateField(_("进入本阶段日期"))
    sponsors = models.ManyToManyField(PartyMember, verbose_name=_("入党介绍人"), related_name="sponsored", blank=True)
    member = models.OneToOneField(PartyMember, verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="case")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员")
        verbose_name_plural = _("发展党员")
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_stage_display()}）"


class Step(models.Model):
    """A dated step of a case: the application, the talk, each review, the vote, the approval, …
    `details` holds what the step records beyond its date (vote counts, hours, the notice's end)."""

    class Kind(models.TextChoices):
        APPLY = "apply", _("递交入党申请书")
        TALK = "talk", _("党组织派人谈话")
        ACTIVIST = "activist", _("确定为入党积极分子")
        REVIEW = "review", _("培养考察（每半年）")
        TARGET = "target", _("确定为发展对象")
        POLITICAL = "political", _("政治审查")
        TRAINING = "training", _("集中培训")
        NOTICE = "notice", _("发展公示")
        MEETING = "meeting", _("支部大会讨论接收")
        APPROVE = "approve", _("上级党委审批")
        OATH = "oath", _("入党宣誓")
        CONFIRM = "confirm", _("预备期满转正")
        STOP = "stop", _("终止发展")

    scope_field = "case__branch__village__code"

    case = models.ForeignKey(Case, verbose_name=_("发展党员"), on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=16, choices=Kind.choices)
    on = models.DateField(_("日期"))
    document = models.CharField(_("材料"), max_length=200, blank=True)
    details = models.JSONField(_("记录"), default=dict, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展环节")
        verbose_name_plural = _("发展环节")
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["kind", "on"], name="party_step_kind_on")]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], condition=~Q(kind="review"),
                                               name="party_step_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on:%Y-%m-%d}"


class Reserve(TimeStampedModel):
    """A reserve cadre (村级后备干部) or a young person of the 领头雁 pool."""

    class Pool(models.TextChoices):
        RESERVE = "reserve", _("村级后备干部")
        GOOSE = "goose", _("领头雁")

    class Outcome(models.TextChoices):
        TRAINING = "training", _("培养中")
        ELECTED = "elected", _("进入村两委")
        JOINED = "joined", _("已入党")
        DROPPED = "dropped", _("退出培养")

    scope_field = "village__code"

    village = models.ForeignKey("regions.Region", verbose_name=_("村"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("registry.Member", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    pool = models.CharField(_("类别"), max_length=8, choices=Pool.choices)
    since = models.DateField(_("纳入日期"))
    training = models.TextField(_("培养措施"), blank=True)
    mentor = models.ForeignKey(PartyMember, verbose_name=_("培养联系人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("培养结果"), max_length=10, choices=Outcome.choices, default=Outcome.TRAINING)
    outcome_on = models.DateField(_("结果日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部")
        ordering = ["village", "-since", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "pool"], name="party_reserve_unique")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.get_pool_display()}）"


class Survey(TimeStampedModel):
    """A villager satisfaction survey of the branch (routine, or the rectification's acceptance)."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.CASCADE, related_name="surveys")
    held_on = models.DateField(_("测评日期"))
    respondents = models.PositiveIntegerField(_("参加测评人数"))
    satisfied = models.PositiveIntegerField(_("满意"))
    dissatisfied = models.PositiveIntegerField(_("不满意"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("群众满意度测评")
        verbose_name_plural = _("群众满意度测评")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"满意度测评 {self.held_on:%Y-%m-%d}"

    @property
    def satisfaction(self) -> int:
        return round(100 * self.satisfied / self.respondents) if self.respondents else 0


class Flag(TimeStampedModel):
    """A manual warning flag: the county or township sets a branch's level at least this high until
    it is cleared."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.CASCADE, related_name="flags")
    level = models.PositiveSmallIntegerField(_("预警等级"))
    reason = models.TextField(_("事由"))
    raised_on = models.DateField(_("标记日期"))
    raised_by = models.ForeignKey(USER, verbose_name=_("标记人"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    cleared_on = models.DateField(_("解除日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("人工预警标记")
        verbose_name_plural = _("人工预警标记")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.level} 级 {self.raised_on:%Y-%m-%d}"


class Warning(models.Model):
    """The branch's warning level computed on a day, with the facts that made it: one row per branch
    and day (recomputing the same day replaces it), so the history shows when a warning cleared."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.CASCADE, related_name="warnings")
    computed_on = models.DateField(_("计算日期"))
    level = models.PositiveSmallIntegerField(_("预警等级"))
    points = models.PositiveSmallIntegerField(_("分值"))
    facts = models.JSONField(_("触发事实"), default=list)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-computed_on", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "computed_on"], name="party_warning_daily")]
        indexes = [models.Index(fields=["computed_on", "level"], name="party_warning_day_level")]

    def __str__(self) -> str:
        return f"{self.branch_id} {self.computed_on:%Y-%m-%d} {self.level}"


class Rectification(TimeStampedModel):
    """整顿: a branch on the county's list of weak branches for a year, its plan, the three-level
    linkage, monthly progress, acceptance and a year of follow-up."""

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.PROTECT,
                               related_name="rectifications")
    year = models.PositiveSmallIntegerField(_("年度"))
    listed_on = models.DateField(_("县委常委会确定日期"))
    decision = models.CharField(_("决定文号"), max_length=64, blank=True)
    reasons = models.TextField(_("列为软弱涣散的主要原因"))
    leader = models.CharField(_("联系县领导"), max_length=64)
    unit = models.ForeignKey("cadres.SendingUnit", verbose_name=_("结对共建单位"), on_delete=models.PROTECT,
                             related_name="+")
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    score = models.DecimalField(_("验收得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    respondents = models.PositiveIntegerField(_("验收测评人数"), null=True, blank=True)
    dissatisfied = models.PositiveIntegerField(_("验收测评不满意人数"), null=True, blank=True)
    closed_on = models.DateField(_("回头看结束日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("软弱涣散整顿")
        verbose_name_plural = _("软弱涣散整顿")
        ordering = ["-year", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="party_rectification_yearly")]

    def __str__(self) -> str:
        return f"{self.branch} {self.year} 年整顿"


class Item(models.Model):
    """One problem of the plan: its measure, owner and deadline; signed off (销号) when done."""

    scope_field = "rectification__branch__village__code"

    rectification = models.ForeignKey(Rectification, verbose_name=_("整顿"), on_delete=models.CASCADE,
                                      related_name="items")
    problem = models.CharField(_("问题"), max_length=200)
    measure = models.TextField(_("整改措施"))
    owner = models.CharField(_("责任人"), max_length=64)
    deadline = models.DateField(_("完成时限"))
    done_on = models.DateField(_("销号日期"), null=True, blank=True)
    signed_off_by = models.ForeignKey(USER, verbose_name=_("销号人"), null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.problem


class Progress(models.Model):
    """The month's progress report of a rectification (one per month)."""

    scope_field = "rectification__branch__village__code"

    rectification = models.ForeignKey(Rectification, verbose_name=_("整顿"), on_delete=models.CASCADE,
                                      related_name="progress")
    month = models.DateField(_("月份"))  # the month's first day
    note = models.TextField(_("进展情况"))
    recorded_by = models.ForeignKey(USER, verbose_name=_("报送人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度进展")
        verbose_name_plural = _("月度进展")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["rectification", "month"], name="party_progress_monthly")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class FollowUp(models.Model):
    """回头看 after acceptance."""

    scope_field = "rectification__branch__village__code"

    rectification = models.ForeignKey(Rectification, verbose_name=_("整顿"), on_delete=models.CASCADE,
                                      related_name="follow_ups")
    on = models.DateField(_("日期"))
    finding = models.TextField(_("发现情况"))
    relapsed = models.BooleanField(_("出现反弹"), default=False)
    recorded_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("回头看")
        verbose_name_plural = _("回头看")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"回头看 {self.on:%Y-%m-%d}"


class Site(TimeStampedModel):
    """民心党建示范点: a branch proposed, reviewed against the criteria, named (or not) for a year."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("申报")
        NAMED = "named", _("命名")
        REFUSED = "refused", _("未通过")
        REVOKED = "revoked", _("撤销")

    scope_field = "branch__village__code"

    branch = models.ForeignKey(Branch, verbose_name=_("村党组织"), on_delete=models.PROTECT, related_name="sites")
    year = models.PositiveSmallIntegerField(_("年度"))
    feature = models.CharField(_("示范特色"), max_length=200)
    criteria = models.JSONField(_("达标情况"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reviewed_on = models.DateField(_("评审日期"), null=True, blank=True)
    review = models.TextField(_("评审意见"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民心党建示范点")
        verbose_name_plural = _("民心党建示范点")
        ordering = ["-year", "branch"]
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="party_site_yearly")]

    def __str__(self) -> str:
        return f"{self.branch} {self.year}"
