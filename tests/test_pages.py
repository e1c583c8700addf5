"""Pages: login, error pages, language switch, and the identity line on every page."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "民心 · 驻村工作平台" in body
    assert "用户名" in body and "密码" in body  # Django's own labels, in Chinese too
    assert 'data-testid="identity"' not in body


def test_pages_need_a_login(client):
    for url in ("/", reverse("cadres:list"), reverse("accounts:user-list"), reverse("audit-log")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_login_lands_on_the_users_own_region(world, client):
    from tests.world import PASSWORD

    response = client.post(reverse("accounts:login"), {"username": "tdw_admin", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "520627106000" in response.redirect_chain[-1][0]  # the top of its own scope
    assert "土地坳镇" in response.content.decode()


def test_404_is_the_friendly_page(world, client):
    assert settings.DEBUG is False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "errors/404.html" in [t.name for t in response.templates]
    assert "找不到您要的页面或记录" in response.content.decode()


def test_out_of_scope_object_gets_the_same_friendly_404(world, as_user):
    client = as_user(world.users["tdw_admin"])
    outside = client.get(reverse("cadres:detail", args=[world.cadres["gz"][0].pk]))
    missing = client.get(reverse("cadres:detail", args=[999999]))
    assert outside.status_code == missing.status_code == 404
    assert "errors/404.html" in [t.name for t in outside.templates]
    # the same page, apart from the CSRF token and the return address in the language form
    def strip(body):
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
        return re.sub(r'name="next" type="hidden" value="[^"]+"', "", body)

    assert strip(outside.content) == strip(missing.content)


def test_403_is_the_friendly_page(world, as_user):
    response = as_user(world.users["tdw_clerk"]).get(reverse("accounts:user-list"))
    assert response.status_code == 403
    assert "errors/403.html" in [t.name for t in response.templates]


def test_500_is_a_plain_page_that_needs_no_database(world, as_user, monkeypatch):
    from minxin.cadres import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "leave_list", broken)
    client = as_user(world.users["tdw_admin"])
    client.raise_request_exception = False
    response = client.get(reverse("cadres:leave-list"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错" in body and "boom" not in body


def _switch(client, language, next_url):
    response = client.post("/i18n/setlang/", {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == language


def test_switch_to_english(client):
    _switch(client, "en", reverse("accounts:login"))
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in body
    assert re.search(r'<label class="form-label" for="id_password">Password', body)
    assert re.search(r'<label class="form-label" for="id_username">Username', body)


def test_switch_to_traditional_chinese(client):
    _switch(client, "zh-hant", reverse("accounts:login"))
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hant">' in body
    assert "登錄" in body or "登入" in body
    assert re.search(r'for="id_password">密碼', body)


def test_switch_back_to_simplified(client):
    _switch(client, "en", "/")
    _switch(client, "zh-hans", "/")
    assert '<html lang="zh-hans">' in client.get(reverse("accounts:login")).content.decode()


def test_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(reverse("accounts:login")).content.decode()


def _pages(world):
    cadre = world.cadres["tdw"][0]
    return [
        reverse("regions:detail", args=["520627106000"]),
        reverse("regions:detail", args=[world.village("tdw").code]),
        reverse("cadres:list"),
        reverse("cadres:detail", args=[cadre.pk]),
        reverse("cadres:new"),
        reverse("cadres:leave-list"),
        reverse("cadres:leave-decide", args=[world.leaves["tdw"].pk]),
        reverse("cadres:unit-list"),
        reverse("cadres:unit-detail", args=[world.units["tdw"].pk]),
        reverse("accounts:user-list"),
        reverse("accounts:user-new"),
        reverse("accounts:profile"),
        reverse("accounts:password-change"),
        reverse("audit-log"),
        "/no/such/page/",
        reverse("cadres:detail", args=[world.cadres["gz"][0].pk]),  # a 404
    ]


def test_identity_line_is_on_every_page(world, as_user):
    user = world.users["tdw_admin"]
    user.full_name = "向阳"
    user.save()
    client = as_user(user)
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.content.decode()
        match = re.search(r'data-testid="identity">(.*?)</span>', body, re.S)
        assert match, f"no identity line on {url}"
        line = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1)))
        assert "向阳" in line and "乡镇管理员" in line and "土地坳镇" in line, (url, line)


def test_identity_line_for_a_village_clerk(world, as_user):
    body = as_user(world.users["gz_clerk"]).get(reverse("cadres:list")).content.decode()
    match = re.search(r'data-testid="identity">(.*?)</span>', body, re.S)
    assert match and "村文书" in match.group(1) and world.village("gz").name in match.group(1)


def test_navigation_follows_capabilities(world, as_user):
    admin_body = as_user(world.users["tdw_admin"]).get(reverse("cadres:list")).content.decode()
    assert reverse("accounts:user-list") in admin_body and reverse("audit-log") in admin_body


def test_navigation_hides_what_a_clerk_cannot_open(world, client):
    client.force_login(world.users["tdw_clerk"])
    body = client.get(reverse("cadres:list")).content.decode()
    assert reverse("accounts:user-list") not in body and reverse("audit-log") not in body


def test_security_headers(client):
    response = client.get(reverse("accounts:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_interface_is_chinese_even_for_an_english_browser(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_api_docs_load_nothing_from_outside(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page


def test_small_things_a_new_user_saw(client, world):
    """/favicon.ico is the icon, not a 404; the language menu names each language in itself; the
    quarter reads 第三季度 in Chinese and Q3 in English."""
    from django.utils import translation

    from minxin.assessment.window import Window

    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("/minxin/favicon.svg")
    client.force_login(world.users["county_admin"])
    for language in ("zh-hans", "en"):
        page = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert ">English</option>" in page and ">简体中文</option>" in page and "英语" not in page
    with translation.override("zh-hans"):
        assert Window(2026, 3).label() == "2026年第三季度"
    with translation.override("en"):
        assert Window(2026, 3).label() == "Q3 2026"
