"""Refresh Minxin's message catalogues.

Source strings are simplified Chinese (zh_Hans is the default and complete by construction).
This script runs `makemessages`, fills zh_Hant mechanically with OpenCC (s2t: character
conversion, keeping mainland vocabulary), keeps the hand-written English of
`minxin/locale/en/LC_MESSAGES/django.po`, and compiles the .mo files, which are committed so a
fresh machine needs no gettext tools to show translations.

    .venv/bin/python scripts/translate.py
"""

import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "minxin" / "locale"
MINXIN = [str(ROOT / ".venv" / "bin" / "minxin")]
IGNORE = ["--ignore=.venv/*", "--ignore=node_modules/*", "--ignore=tests/*", "--ignore=bench/*",
          "--ignore=minxin/static/vendor/*", "--ignore=scripts/*"]


def main() -> int:
    LOCALE.mkdir(exist_ok=True)
    for domain in ("django", "djangojs"):
        subprocess.run([*MINXIN, "makemessages", "-l", "zh_Hant", "-l", "en", "-d", domain, "--no-obsolete",
                        *IGNORE], cwd=ROOT / "minxin", check=True)
    converter = opencc.OpenCC("s2t")
    for po_path in (LOCALE / "zh_Hant" / "LC_MESSAGES").glob("*.po"):
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = converter.convert(entry.msgid)
            if entry.msgid_plural:
                entry.msgstr_plural = {0: converter.convert(entry.msgid_plural)}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
    en = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    # Fuzzy entries are makemessages' guesses: compilemessages ignores them, so they count as missing.
    missing = [e.msgid for e in en if not e.obsolete and (not (e.msgstr or e.msgstr_plural) or "fuzzy" in e.flags)]
    subprocess.run([*MINXIN, "compilemessages", "--ignore=.venv"], cwd=ROOT / "minxin", check=True)
    total = len([e for e in en if not e.obsolete])
    print(f"zh_Hant: converted; en: {total - len(missing)}/{total} translated")
    for msgid in missing:
        print(f"  needs English: {msgid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
