"""Excel exports of the field-work lists: the rows the list shows (all pages), scoped like the page;
phone numbers masked."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.identifiers import mask_phone
from minxin.core.xlsx import columns_response


def _when(field):
    return lambda obj: timezone.localtime(getattr(obj, field)) if getattr(obj, field) else None


def _village(obj):
    return f"{obj.village.parent.name} {obj.village.name}" if obj.village.parent_id else obj.village.name


def _household(obj):
    household = getattr(obj, "household", None)
    return f"{household.number} {household.head_name}" if household else ""


def _name(attr):
    return lambda obj: str(getattr(obj, attr) or "")


VISITS = [
    (_("走访时间"), _when("occurred_at")), (_("村"), _village), (_("农户"), _household),
    (_("驻村干部"), _name("cadre")), (_("走访类型"), lambda v: v.get_kind_display()), (_("民情日记"), _name("notes")),
    (_("帮扶措施"), _name("help_given")), (_("纬度"), _name("lat")), (_("经度"), _name("lon")),
    (_("补录（设备时间滞后）"), lambda v: v.late),
]
MEETINGS = [
    (_("时间"), _when("occurred_at")), (_("村"), _village), (_("类别"), lambda m: m.get_category_display()),
    (_("形式"), lambda m: m.get_kind_display()), (_("主题"), _name("topic")), (_("地点"), _name("place")),
    (_("参加人数"), lambda m: m.attendance), (_("主持或主讲"), _name("cadre")),
]
CALLS = [
    (_("通话时间"), _when("occurred_at")), (_("村"), _village), (_("农户"), _household),
    (_("留守人员"), _name("left_behind_name")), (_("类别"), lambda c: c.get_left_behind_kind_display()),
    (_("在外亲人"), _name("relative_name")), (_("务工地"), _name("relative_place")),
    (_("时长（分钟）"), lambda c: c.minutes), (_("驻村干部"), _name("cadre")),
]
DIARY = [
    (_("日期"), _when("occurred_at")), (_("村"), _village), (_("驻村干部"), _name("cadre")), (_("内容"), _name("text")),
]
NEEDS = [
    (_("提出时间"), _when("raised_at")), (_("村"), _village), (_("农户"), _household),
    (_("类别"), lambda n: n.get_category_display()), (_("内容"), _name("text")),
    (_("办理状态"), lambda n: n.get_status_display()), (_("责任人"), _name("owner")), (_("进展"), _name("progress")),
    (_("办结时间"), _when("closed_at")),
]
REQUESTS = [
    (_("提出时间"), _when("submitted_at")), (_("村"), _village), (_("农户"), _household),
    (_("来源"), lambda r: r.get_source_display()), (_("内容"), _name("text")), (_("联系人"), _name("contact_name")),
    (_("联系电话"), lambda r: mask_phone(r.contact_phone)), (_("状态"), lambda r: r.get_status_display()),
    (_("办理人"), _name("assignee")), (_("答复"), _name("answer")), (_("答复时间"), _when("answered_at")),
    (_("办结时间"), _when("closed_at")), (_("满意度"), lambda r: r.get_satisfaction_display() if r.satisfaction else ""),
]


def export(kind: str, objects):
    """The `.xlsx` of a list page's rows (a queryset of records of `kind`, each with its village)."""
    columns, filename, sheet = {
        "visits": (VISITS, "走访记录.xlsx", _("走访记录")),
        "meetings": (MEETINGS, "会议宣讲培训.xlsx", _("会议宣讲培训")),
        "calls": (CALLS, "亲情聊天.xlsx", _("亲情聊天")),
        "diary": (DIARY, "民情日记.xlsx", _("民情日记")),
        "needs": (NEEDS, "民情事项.xlsx", _("民情事项")),
        "requests": (REQUESTS, "群众诉求.xlsx", _("群众诉求")),
    }[kind]
    return columns_response(filename=filename, sheet=str(sheet), columns=columns,
                            objects=objects.select_related("village__parent").iterator(2000))


def presence(assignments, figures, *, year: int, month: int):
    """Days in the village per cadre for one month (the presence page, all rows)."""
    columns = [
        (_("驻村干部"), lambda a: a.cadre.name), (_("村"), lambda a: f"{a.village.parent.name} {a.village.name}"),
        (_("驻村职务"), lambda a: a.get_role_display()), (_("在村天数"), lambda a: figures[a.cadre_id].present_days),
        (_("批准请假天数"), lambda a: figures[a.cadre_id].leave_days),
        (_("应在村天数"), lambda a: figures[a.cadre_id].required_after_leave),
        (_("差额"), lambda a: figures[a.cadre_id].shortfall),
    ]
    name = f"{year:04d}-{month:02d}"
    return columns_response(filename=f"在村天数-{name}.xlsx", sheet=name, columns=columns, objects=assignments)
