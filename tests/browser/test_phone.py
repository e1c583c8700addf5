"""Every page a role reaches, on a 390 px phone: nothing is wider than the screen (a wide table
scrolls inside its own box), so no page scrolls sideways."""

import re

import pytest
from django.test import Client

from tests.browser.conftest import PHONE
from tests.test_crawl import crawl
from tests.world import PASSWORD

# A cadre, a clerk and a county administrator between them open every kind of page there is.
ROLES = ["county_admin", "tdw_cadre", "tdw_clerk"]
# Pages whose phone screenshots are kept to be looked at (test-artifacts/phone-*.png).
LOOK_AT = {r"/registry/households/$": "households", r"/registry/households/\d+/$": "household",
           r"/registry/villages/\d+/$": "village-file", r"/reports/dashboard/\d+/$": "dashboard",
           r"/fieldwork/visits/$": "visits", r"/fieldwork/cards/\d+/$": "cards"}


@pytest.fixture
def browser_world(transactional_db, settings, tmp_path):
    from tests.world import build_world

    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    # What makes pages wide in real use: an income table of several years, a filled village file.
    from decimal import Decimal

    from minxin.registry.models import Checklist, Income, VillageFile

    household = world.registry["tdw"]["household"]
    for year in (2023, 2024, 2025):
        Income.objects.create(household=household, year=year, wage=Decimal("38650.00"), business=Decimal("12400.50"),
                              transfer=Decimal("6230.00"), assets=Decimal("1800.00"), costs=Decimal("9870.25"),
                              persons=5)
    Checklist.objects.create(household=household, food="met", clothing="met", education="gap", checked_on="2026-03-17")
    VillageFile.objects.create(village=world.village("tdw"), road="通组硬化路 12.6 公里，通户路 8.3 公里",
                               water="集中供水工程 3 处，覆盖 412 户", collective_income=Decimal("286400.00"),
                               committees="村支两委 7 人：支部书记兼主任、副主任、委员 5 人",
                               notes="2025 年完成人居环境整治，新建产业路 2.1 公里。" * 3)
    return world


@pytest.mark.parametrize("persona", ROLES)
def test_no_page_is_wider_than_a_phone(browser_world, live_server, page, login, shot, persona):
    client = Client()
    client.force_login(browser_world.users[persona])
    pages, broken = crawl(client, per_path=1)
    assert not broken and len(pages) > 10
    page.set_viewport_size(PHONE)
    login(page, persona, PASSWORD)
    too_wide, looked = {}, set()
    for url in sorted(pages):
        response = page.goto(live_server.url + url)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        key = next((k for k in LOOK_AT if re.match(k, url)), None)
        if key and persona == "tdw_clerk" and key not in looked:
            looked.add(key)
            shot(page, f"phone-{LOOK_AT[key]}")
        if width > PHONE["width"]:
            too_wide[url] = width
            shot(page, f"phone-too-wide-{persona}-{len(too_wide)}")
    assert too_wide == {}
