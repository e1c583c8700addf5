"""Excel exports of the liaison rooms: the rooms, the dues with what remains (arrears), the
spendings — exactly the rows the page shows, scoped like it. Amounts in yuan."""

from django.utils.translation import gettext_lazy as _

from minxin.core.xlsx import columns_response
from minxin.ledger.money import to_yuan
from minxin.rooms.checklist import GRADES, STANDARDS


def _village(room):
    return f"{room.village.parent.name} {room.village.name}"


def _yuan(attr):
    return lambda obj: to_yuan(getattr(obj, attr))


ROOMS = [
    (_("乡镇 村"), _village), (_("启用日期"), lambda r: r.opened_on or ""), (_("地址"), lambda r: r.address),
    (_("面积（平方米）"), lambda r: r.area if r.area is not None else ""),
    (_("出资派出单位"), lambda r: r.sending_unit.name if r.sending_unit else ""),
    (_("标准化达标项"), lambda r: f"{r.standards_met}/{len(STANDARDS)}"),
    (_("最近公开日期"), lambda r: r.disclosed_on or ""),
    (_("最近评估"), lambda r: _period(r)),
    (_("评估得分"), lambda r: r.latest_total if r.latest_total is not None else ""),
    (_("评定等级"), lambda r: dict(GRADES).get(r.latest_grade, "")),
]
DUES = [
    (_("乡镇 村"), lambda d: _village(d.room)), (_("年度"), lambda d: d.year), (_("出资方"), lambda d: d.get_payer_display()),
    (_("派出单位"), lambda d: d.sending_unit.name if d.sending_unit else ""), (_("应到账日期"), lambda d: d.due_on),
    (_("应拨（元）"), _yuan("amount_fen")), (_("已到账（元）"), _yuan("received_fen")),
    (_("尚欠（元）"), _yuan("remaining_fen")),
]
SPENDINGS = [
    (_("乡镇 村"), lambda s: _village(s.room)), (_("经费类别"), lambda s: s.get_kind_display()),
    (_("支出日期"), lambda s: s.spent_on), (_("用途"), lambda s: s.purpose), (_("金额（元）"), _yuan("amount_fen")),
    (_("凭证号"), lambda s: s.transaction_id), (_("已冲销"), lambda s: _("是") if _reversed(s.transaction) else ""),
]


def _period(room) -> str:
    if not room.latest_year:
        return ""
    return f"{room.latest_year}{_('上半年') if room.latest_half == 1 else _('下半年')}"


def _reversed(transaction) -> bool:
    return hasattr(transaction, "reversed_by")


def rooms(rows):
    return columns_response(filename="干群连心室台账.xlsx", sheet="干群连心室", columns=ROOMS, objects=rows.iterator())


def dues(rows):
    return columns_response(filename="干群连心室经费欠拨.xlsx", sheet="经费欠拨", columns=DUES, objects=rows.iterator())


def spendings(rows):
    return columns_response(filename="干群连心室经费支出.xlsx", sheet="经费支出", columns=SPENDINGS,
                            objects=rows.iterator())

