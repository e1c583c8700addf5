"""The platform's pages in a real browser: login, scope, resident teams, 404 outside the scope."""


from tests.browser.conftest import PHONE
from tests.sealed import plain
from tests.world import PASSWORD


def test_township_admin_sees_own_villages_and_teams_and_404_elsewhere(browser_world, live_server, page, login, shot):
    w = browser_world
    login(page, "tdw_admin", PASSWORD)
    # Lands on its own township's dashboard; the region page lists its villages.
    assert page.url.endswith("/reports/dashboard/520627106000/")
    page.locator("#mx-nav").get_by_role("link", name="区划与驻村").click()
    page.wait_for_url("**/regions/520627106000/")
    identity = page.get_by_test_id("identity").inner_text()
    assert "tdw_admin" in identity and "乡镇管理员" in identity and "土地坳镇" in identity
    children = page.get_by_test_id("children").inner_text()
    assert "五七村" in children and "茶园村" in children and "龙门村" not in children
    shot(page, "foundation-township")

    page.get_by_test_id("children").get_by_role("link", name="五七村", exact=True).click()
    team = page.get_by_test_id("resident-team").inner_text()
    for cadre in w.cadres["tdw"]:
        assert cadre.name in team
    assert "第一书记" in team
    shot(page, "foundation-village-team")

    response = page.goto(f"{live_server.url}/regions/{w.village('gz').code}/")
    assert response.status == 404
    assert "不在您的管辖范围内" in page.content()
    assert "龙门村" not in page.content()
    shot(page, "foundation-404")


def test_cadre_page_masks_and_reveals_id_number(browser_world, live_server, page, login, shot):
    w = browser_world
    cadre = w.cadres["tdw"][0]
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/")
    masked = page.get_by_test_id("masked-id").inner_text()
    assert masked == plain(cadre)[:6] + "********" + plain(cadre)[-4:]
    page.get_by_test_id("reveal-id").click()
    page.get_by_test_id("revealed").wait_for()
    assert page.get_by_test_id("revealed").inner_text() == plain(cadre)
    assert page.get_by_test_id("reveal-id").count() == 0  # the button goes once used
    shot(page, "foundation-cadre")

    from minxin.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="reveal.id_number", object_id=str(cadre.pk)).count() == 1


def test_a_refused_reveal_shows_its_reason_in_place(browser_world, live_server, page, login, shot, settings):
    from minxin.core import sealing

    cadre = browser_world.cadres["tdw"][1]
    settings.MINXIN_IDENTIFIER_KEYS = sealing.new_key_entry("k9")  # the key that sealed it removed
    login(page, "tdw_admin", PASSWORD)
    page.goto(f"{live_server.url}/cadres/{cadre.pk}/")
    page.get_by_test_id("reveal-id").click()
    error = page.get_by_test_id("inline-error")
    error.wait_for()
    assert "请联系系统管理员" in error.inner_text()
    assert page.get_by_test_id("revealed").count() == 0
    shot(page, "foundation-reveal-refused")


def test_phone_layout_and_language_switch(browser, browser_world, live_server, login, shot):
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, "county_admin", PASSWORD)
        assert page.url.endswith("/reports/dashboard/520627000000/")
        # On a phone the navigation folds behind the toggler and opens on tap.
        nav_link = page.locator("#mx-nav").get_by_role("link", name="驻村干部")
        assert not nav_link.is_visible()
        page.click(".navbar-toggler")
        nav_link.wait_for(state="visible")
        shot(page, "foundation-phone-menu")
        with page.expect_navigation():
            page.select_option("#language-select", "en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Resident cadre" in page.content() and "Overview" in page.content()
        shot(page, "foundation-phone-english")
    finally:
        context.close()


def test_login_lockout_after_repeated_failures(browser_world, live_server, page, login, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(page, "tdw_clerk", "wrong-password-123")
    login(page, "tdw_clerk", PASSWORD)
    assert "锁定" in page.content()
    assert "/accounts/login/" in page.url


def test_an_auditor_filters_the_audit_log_in_words(browser_world, live_server, page, login, shot):
    from minxin.core.privacy import reveal_identifier

    w = browser_world
    cadre = w.cadres["tdw"][0]
    reveal_identifier(actor=w.users["tdw_admin"], obj=cadre, field="id_number", region_code=cadre.region_code)
    login(page, "county_auditor", PASSWORD)
    page.goto(f"{live_server.url}/audit/")
    page.select_option("#id_action", label="查看完整身份证号")
    page.get_by_test_id("audit-filter").click()
    page.wait_for_url("**action=reveal.id_number**")
    table = page.locator("table").inner_text()
    assert "查看完整身份证号" in table and cadre.name in table and "reveal.id_number" not in table
    assert plain(cadre) not in page.content()
    shot(page, "audit-log-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "audit-log-phone")


def test_a_liaison_lands_on_its_units_cadres(browser_world, live_server, page, login, shot):
    login(page, "tdw_liaison", PASSWORD)
    section = page.get_by_test_id("unit-cadres")
    section.wait_for()
    assert browser_world.cadres["tdw"][0].name in section.inner_text()
    shot(page, "liaison-home")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "liaison-home-phone")
