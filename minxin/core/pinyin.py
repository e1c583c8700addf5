"""Pinyin keys for searching and sorting Chinese names (how Chinese users look people up).

A name's first character (or its compound surname) is read as a surname: 覃 is qin in Yanhe, not
tan; 曾 zeng, 单 shan, 解 xie, 仇 qiu, 区 ou, 查 zha, 朴 piao, 万俟 moqi, 尉迟 yuchi. pypinyin
reads characters as words, so the surname readings are a table here. The key starts with that
reading (lists sort by it) and then adds the surname's other readings, so a user who types the
word reading (tanbin) still finds 覃彬.
"""

from functools import lru_cache

from django.db.models import QuerySet

# Single-character surnames whose surname reading is not pypinyin's first reading.
SURNAMES = {
    "覃": "qin", "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "乐": "yue", "盖": "ge", "缪": "miao", "翟": "zhai", "秘": "bi", "种": "chong", "冼": "xian", "繁": "po",
    "藏": "zang", "柏": "bai", "都": "du", "员": "yun", "句": "gou", "阚": "kan", "粘": "nian", "折": "she",
    "重": "chong", "薄": "bo", "长": "chang", "召": "shao", "隗": "wei", "蕃": "pi", "祭": "zhai",
}
# Compound surnames (used when the name has at least one more character).
COMPOUND_SURNAMES = {
    "万俟": "mo qi", "尉迟": "yu chi", "单于": "chan yu", "长孙": "zhang sun", "澹台": "tan tai", "欧阳": "ou yang",
    "令狐": "ling hu", "司马": "si ma", "上官": "shang guan", "诸葛": "zhu ge", "东方": "dong fang",
    "皇甫": "huang fu", "公孙": "gong sun", "慕容": "mu rong", "宇文": "yu wen", "司徒": "si tu",
    "夏侯": "xia hou", "轩辕": "xuan yuan", "钟离": "zhong li", "端木": "duan mu", "呼延": "hu yan",
    "南宫": "nan gong", "西门": "xi men", "百里": "bai li", "闻人": "wen ren", "赫连": "he lian",
    "公羊": "gong yang", "申屠": "shen tu", "濮阳": "pu yang", "淳于": "chun yu", "太叔": "tai shu",
    "鲜于": "xian yu", "闾丘": "lv qiu", "司空": "si kong", "亓官": "qi guan", "漆雕": "qi diao",
    "乐正": "yue zheng", "拓跋": "tuo ba", "第五": "di wu",
}
MAX_OTHER_READINGS = 3


def _syllables(text: str) -> list[str]:
    # Imported on first use: pypinyin's dictionaries take ~56 MB, which most processes (pages that
    # never write a name) need not hold, and a county import needs only after its sheet is read.
    from pypinyin import lazy_pinyin

    return [s for s in lazy_pinyin(text, errors="ignore") if s]


def _surname_readings(surname: str) -> list[list[str]]:
    """The surname's readings as syllable lists: the surname reading first, then the others."""
    from pypinyin import Style, pinyin

    if surname in COMPOUND_SURNAMES:
        readings = [COMPOUND_SURNAMES[surname].split(), _syllables(surname)]
    else:
        word = _syllables(surname)
        others = [[r] for r in (pinyin(surname, heteronym=True, style=Style.NORMAL, errors="ignore") or [[]])[0]]
        readings = [[SURNAMES[surname]] if surname in SURNAMES else word, word, *others]
    unique: list[list[str]] = []
    for reading in readings:
        if reading not in unique:
            unique.append(reading)
    return unique[:1 + MAX_OTHER_READINGS]


def split_surname(name: str) -> tuple[str, str]:
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """Full pinyin plus initials, surname reading first, then the surname's other readings:
    张三丰 → 'zhangsanfeng zsf', 覃彬 → 'qinbin qb tanbin tb'.

    Cached: a county has far fewer distinct names than people, and imports repeat them.
    """
    surname, given = split_surname(name)
    rest = _syllables(given)
    parts: list[str] = []
    for reading in _surname_readings(surname) if surname else [[]]:
        full = reading + rest
        for part in ("".join(full), "".join(s[0] for s in full)):
            if part not in parts or not part:
                parts.append(part)
        if not full:
            break
    return " ".join(parts).lower()[:200]  # the columns hold 200 characters; the surname reading comes first


def rebuild(queryset: QuerySet, *, name: str = "name", key: str = "name_pinyin", batch: int = 2000) -> set[int]:
    """Recompute `key` from `name` where it changed (a data migration after the rule changes);
    returns the ids of the changed rows. Reads in id order, writes only the changed rows."""
    changed: set[int] = set()
    pending = []
    model = queryset.model
    for pk, text, old in queryset.order_by("pk").values_list("pk", name, key).iterator(chunk_size=batch):
        new = pinyin_key(text or "")
        if new != old:
            pending.append(model(pk=pk, **{key: new}))
            changed.add(pk)
        if len(pending) >= batch:
            model.objects.bulk_update(pending, [key])
            pending = []
    if pending:
        model.objects.bulk_update(pending, [key])
    return changed
