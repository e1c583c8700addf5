"""Pinyin keys for searching and sorting Chinese names (how Chinese users look people up)."""

from functools import lru_cache


@lru_cache(maxsize=65536)
def pinyin_key(name: str) -> str:
    """Full pinyin plus initials, e.g. 张三丰 → 'zhangsanfeng zsf', for search and collation.

    Cached: a county has far fewer distinct names than people, and imports repeat them.
    """
    # Imported on first use: pypinyin's dictionaries take ~56 MB, which most processes (pages that
    # never write a name) need not hold, and a county import needs only after its sheet is read.
    from pypinyin import lazy_pinyin

    syllables = [s for s in lazy_pinyin(name, errors="ignore") if s]
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables)}".lower()
