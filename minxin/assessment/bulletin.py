"""The quarterly bulletin (通报): a Word document laid out per GB/T 9704 and the same table as .xlsx.

Every figure is computed from the stored results of the quarter (never typed): totals and ranks,
the average per heart, each township's average, the best and the weakest, the unexcused absences
found in spot checks. A user outside the county level receives its own part (its township or
village), with county ranks — nothing outside its scope.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone
from docx.shared import Pt

from minxin.assessment import selectors
from minxin.assessment.hearts import HEART_CODES, heart_label
from minxin.assessment.models import Finding, IndicatorScore, Period, Scheme
from minxin.core.officialdoc import OfficialDocument, date_cn
from minxin.core.xlsx import write_xlsx
from minxin.regions import codes, issuers
from minxin.regions.models import Region


def issuer(period: Period) -> str:
    """The county party committee's organisation department that issues the quarter's bulletin."""
    return issuers.organisation_department(period.county_name)


@dataclass
class Row:
    rank_county: int
    rank_township: int
    name: str
    township: str
    village: str
    hearts: dict[str, Decimal]
    total: Decimal


@dataclass
class BulletinData:
    period: Period
    region: Region
    rows: list[Row] = field(default_factory=list)
    heart_rates: dict[str, Decimal] = field(default_factory=dict)
    townships: list[tuple[str, int, Decimal, Decimal, Decimal]] = field(default_factory=list)
    absences: list[tuple[str, str, datetime.date]] = field(default_factory=list)

    @property
    def is_county(self) -> bool:
        return self.region.level in (codes.COUNTY, codes.PREFECTURE, codes.PROVINCE)

    @property
    def average(self) -> Decimal:
        if not self.rows:
            return Decimal(0)
        return _q(sum((r.total for r in self.rows), Decimal(0)) / len(self.rows))


def _q(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def collect(*, user, period: Period, region: Region) -> BulletinData:
    """The bulletin's figures for the user's view of `region` (a handful of grouped queries)."""
    data = BulletinData(period, region)
    visible = selectors.result_list(user=user, period=period, prefix=region.prefix)
    results = list(visible)
    hearts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    points, weights = defaultdict(Decimal), defaultdict(Decimal)
    rows = (IndicatorScore.objects.filter(result_id__in=visible.order_by().values("pk"))
            .values("result_id", "heart").annotate(p=Sum("points"), w=Sum("effective_weight")).order_by())
    for row in rows:
        hearts[row["result_id"]][row["heart"]] = row["p"] or Decimal(0)
        points[row["heart"]] += row["p"] or Decimal(0)
        weights[row["heart"]] += row["w"] or Decimal(0)
    data.heart_rates = {h: _q(points[h] * 100 / weights[h]) for h in HEART_CODES if weights[h]}
    names = dict(Region.objects.filter(code__in={r.village_code for r in results} | {r.township_code for r in results})
                 .values_list("code", "name"))
    by_township = defaultdict(list)
    for r in results:
        data.rows.append(Row(r.rank_county, r.rank_township, r.cadre.name, names.get(r.township_code, ""),
                             names.get(r.village_code, ""), hearts.get(r.pk, {}), r.total))
        by_township[r.township_code].append(r.total)
    data.townships = sorted(
        ((names.get(code, code), len(totals), _q(sum(totals, Decimal(0)) / len(totals)), max(totals), min(totals))
         for code, totals in by_township.items()), key=lambda t: -t[2])
    window = period.window
    found = (Finding.objects.visible_to(user).filter(unexcused_absence=True, inspection__date__gte=window.start,
                                                     inspection__date__lte=window.end,
                                                     inspection__village__code__startswith=region.prefix)
             .select_related("cadre", "inspection__village").order_by("inspection__date"))
    data.absences = [(f.cadre.name, f.inspection.village.name, f.inspection.date) for f in found]
    return data


@dataclass
class Verdicts:
    """Section 表扬和批评, by the rules of the scheme the quarter was computed with."""

    scheme: Scheme
    commended: list[Row]
    criticised: list[Row]
    reminded: list[Row]


def verdicts(data: BulletinData) -> Verdicts:
    """Who is commended (the county's top N with at least the score), criticised (below the score,
    the lowest-ranked N at most) and, when nobody is below it, reminded (the bottom N). The same list
    for the document and for the preview on the quarter's page."""
    scheme = data.period.scheme or Scheme()
    by_rank = sorted(data.rows, key=lambda r: (r.rank_county, r.name))
    commended = [r for r in by_rank if r.rank_county <= scheme.commend_top and r.total >= scheme.commend_min]
    below = [r for r in by_rank if r.total < scheme.criticise_below]
    criticised = below[-scheme.criticise_max:] if scheme.criticise_max else []
    reminded = [] if below else by_rank[-scheme.remind_bottom:] if scheme.remind_bottom else []
    return Verdicts(scheme, commended, criticised, reminded)


def _who(rows: list[Row]) -> str:
    return "、".join(f"{r.name}（{r.township}{r.village}）" for r in rows)


def table_headers() -> list[str]:
    return ["全县排名", "姓名", "乡镇", "驻村"] + [str(heart_label(h)) for h in HEART_CODES] + ["总分", "乡镇排名"]


def table_rows(data: BulletinData) -> list[list]:
    return [[r.rank_county, r.name, r.township, r.village]
            + [r.hearts.get(h, Decimal(0)) for h in HEART_CODES] + [r.total, r.rank_township]
            for r in data.rows]


def title(period: Period) -> str:
    q = "一二三四"[period.quarter - 1]
    return f"关于{period.year}年第{q}季度“十颗心”驻村工作考核情况的通报"


def render_docx(data: BulletinData, *, target=None):
    period = data.period
    day = timezone.localdate(period.published_at) if period.published_at else timezone.localdate()
    doc = OfficialDocument()
    county_number = period.document_code if period.is_published else f"{period.issuer_code}〔{period.year}〕　号（草稿）"
    # The 文号 belongs to the county's document: a township's or village's version carries other
    # figures, so it is an extract that names the document it comes from, never that number itself.
    doc.header(issuer=issuer(period), number=county_number if data.is_county else "")
    subtitle = "" if data.is_county else (f"（{data.region.full_name().split(' ', 1)[-1]}部分，"
                                          f"摘自{county_number}）")
    doc.title(title(period), subtitle=subtitle)
    doc.addressee("各乡（镇、街道）党委（党工委），县直各派出单位：")
    q = "一二三四"[period.quarter - 1]
    scheme_version = period.scheme.version if period.scheme_id else "—"
    doc.body(f"为推进民心党建“十颗心”驻村工作法落地见效，按照“十颗心”驻村工作考核方案（第{scheme_version}版），"
             f"县委组织部依据平台记录的走访、会议宣讲、群众诉求办理、督查评分等工作实绩，对全县第一书记、驻村干部"
             f"{period.year}年第{q}季度履职情况进行了考核。现将有关情况通报如下。")
    rows = data.rows
    doc.heading1("一、总体情况")
    if rows:
        best, worst = max(r.total for r in rows), min(r.total for r in rows)
        rates = "、".join(f"{heart_label(h)}{rate}%" for h, rate in data.heart_rates.items())
        doc.body(f"本季度参加考核{len(rows)}人，平均得分{data.average}分，最高{best}分，最低{worst}分。"
                 f"“十颗心”各项得分率为：{rates}。")
    else:
        doc.body("本季度没有参加考核的驻村干部。")
    if data.is_county and data.townships:
        doc.heading1("二、各乡镇（街道）情况")
        lines = "；".join(f"{name}{n}人，平均{avg}分" for name, n, avg, _hi, _lo in data.townships)
        doc.body(f"按平均得分排序：{lines}。")
    section = "三" if data.is_county else "二"
    doc.heading1(f"{section}、表扬和批评")
    v = verdicts(data)
    if v.commended:
        doc.body(f"对全县排名前{v.scheme.commend_top}位且得分不低于{v.scheme.commend_min}分的"
                 f"{_who(v.commended)}等{len(v.commended)}名同志予以通报表扬。")
    elif rows:
        doc.body(f"本季度全县排名前{v.scheme.commend_top}位中无得分达到{v.scheme.commend_min}分的人员，不予通报表扬。")
    if v.criticised:
        doc.body(f"对得分低于{v.scheme.criticise_below}分、排名靠后的{_who(v.criticised)}等{len(v.criticised)}名"
                 "同志予以通报批评，请所在乡镇（街道）党委（党工委）督促其限期整改。")
    elif v.reminded:
        doc.body(f"本季度无低于{v.scheme.criticise_below}分人员。对排名靠后的{_who(v.reminded)}予以提醒。")
    if data.absences:
        listed = "、".join(f"{name}（{village}，{date_cn(day)}）" for name, village, day in data.absences)
        doc.body(f"日常督导和交叉检查中发现无故不在岗{len(data.absences)}人次：{listed}。"
                 "按考核办法扣减“安心”得分，并计入年度考核。")
    doc.heading1(f"{'四' if data.is_county else '三'}、工作要求")
    doc.body("各乡镇（街道）党委（党工委）要对照考核结果，逐项分析“十颗心”得分偏低的原因，督促驻村干部真蹲实驻、"
             "进百家门、办百家事；各派出单位要落实“一人驻村、单位全员帮扶”责任，支持驻村干部开展工作。"
             "对考核结果有异议的，可在规定期限内通过平台提出申诉。")
    doc.attachment_note([f"{period.year}年第{q}季度“十颗心”驻村工作考核排名表"])
    doc.signature(issuer=issuer(period), day=day)
    widths = [16, 16, 20, 18] + [14] * 10 + [16, 14]
    doc.attachment(number=None, title=f"{period.year}年第{q}季度“十颗心”驻村工作考核排名表",
                   headers=table_headers(), rows=[[_fmt(v) for v in row] for row in table_rows(data)],
                   widths_mm=widths, font_size=Pt(9))
    # GB/T 9704: attachments come before the 版记, which closes the document.
    doc.imprint(copy_to="县委党建工作领导小组成员单位", printer=f"{issuer(period)}办公室", day=day,
                own_page=True)
    return doc.save(target)


def _fmt(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def render_xlsx(data: BulletinData, target) -> int:
    return write_xlsx(target, sheet=f"{data.period.code}考核排名", headers=table_headers(), rows=table_rows(data))
