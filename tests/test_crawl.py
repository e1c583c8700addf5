"""Every page a role can reach by following links, crawled as that role: no link may answer 404,
403 or 500, and no page may print a sealed identifier as stored. A link the role may not follow is not shown as a link (a breadcrumb above the user's
scope is plain text)."""

from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from minxin.core.identifiers import SEALED_PREFIX

pytestmark = pytest.mark.django_db

ROLES = ["county_admin", "county_supervisor", "county_auditor", "expert", "tdw_admin", "tdw_supervisor",
         "tdw_auditor", "tdw_clerk", "tdw_cadre", "tdw_liaison"]
SKIP_PREFIXES = ("/api/", "/static/", "/media/", "/accounts/logout", "/i18n/", "/jsi18n/", "/field/sw.js")
PER_PATH = 2  # variants (query strings) of one path worth following: filters and pages repeat the template
MAX_PAGES = 160
SEALED = SEALED_PREFIX


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(base: str, html: str) -> list[str]:
    reader = _Links()
    reader.feed(html)
    found = []
    for href in reader.hrefs:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path.startswith(SKIP_PREFIXES) or "format=xlsx" in path or "format=docx" in path:
            continue
        found.append(path)
    return found


def crawl(client, start: str = "/", *, per_path: int = PER_PATH) -> tuple[set[str], list[tuple[str, str, object]]]:
    """(pages reached, [(referrer, link, status)] of links that failed or pages showing a sealed value);
    `per_path` variants of a path."""
    seen, broken, variants = {start}, [], Counter()
    queue = deque([("(start)", start)])
    pages = set()
    while queue and len(pages) < MAX_PAGES:
        referrer, url = queue.popleft()
        response = client.get(url)
        if response.status_code in (301, 302):
            target = response["Location"]
            if target not in seen and not urlsplit(target).path.startswith(SKIP_PREFIXES):
                seen.add(target)
                queue.append((url, target))
            continue
        if response.status_code != 200:
            broken.append((referrer, url, response.status_code))
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue  # a download (a template, a document): followed, not a page
        pages.add(url)
        body = response.content.decode()
        if SEALED in body:  # a stored identifier printed as it is stored, not through its mask
            broken.append((referrer, url, SEALED))
        for link in _links(url, body):
            path = urlsplit(link).path
            if link in seen or variants[path] >= per_path:
                continue
            seen.add(link)
            variants[path] += 1
            queue.append((url, link))
    return pages, broken


@pytest.mark.parametrize("persona", ROLES)
def test_no_link_a_role_sees_is_dead_or_forbidden(world, client, persona):
    client.force_login(world.users[persona])
    pages, broken = crawl(client)
    assert len(pages) > 3, pages
    assert broken == []
