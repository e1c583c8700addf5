"""The offline field app on a phone: record offline, reload offline, sync once online, no duplicates."""

import json

import pytest
from playwright.sync_api import expect

from minxin.fieldwork import services
from minxin.fieldwork.models import VillagerRequest
from tests.browser.conftest import PHONE
from tests.world import PASSWORD


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield context, page
    context.close()


def _open_household(page, number):
    page.locator("[data-testid=household-list] [data-household]", has_text=number).click()
    page.get_by_test_id("household-title").wait_for()


def test_offline_visits_and_request_sync_once(browser_world, live_server, phone, login, shot):
    from minxin.fieldwork.models import SyncReceipt, Visit

    w = browser_world
    context, page = phone
    households = w.fieldwork["tdw"]["households"]
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    # The service worker takes control and has cached the shell before we go offline.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    village_list = page.get_by_test_id("village-list")
    assert w.village("tdw").name in village_list.inner_text()
    assert w.village("gz").name not in page.content()
    shot(page, "fieldapp-home")

    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    assert page.get_by_test_id("net-status").inner_text() == "离线"

    village_list.get_by_role("button").first.click()
    notes = []
    for index in (1, 2, 3):
        _open_household(page, households[index].number)
        page.get_by_test_id("new-visit").click()
        page.select_option("#v-kind", "care" if index == 1 else "home")
        text = f"离线走访第{index}户"
        page.get_by_test_id("visit-notes").fill(text)
        notes.append(text)
        if index == 1:
            shot(page, "fieldapp-visit-form")
        page.get_by_test_id("save-visit").click()
        page.get_by_test_id("household-title").wait_for()  # back on the household
        page.click("[data-action=back]")  # back to the village
    _open_household(page, households[2].number)
    page.get_by_test_id("new-request").click()
    page.get_by_test_id("request-text").fill("希望硬化入户路")
    page.get_by_test_id("save-request").click()
    page.get_by_test_id("household-title").wait_for()
    assert page.get_by_test_id("queue-count").inner_text() == "4"
    shot(page, "fieldapp-household-queued")

    # Still offline: reload. The service worker serves the app; the queue is still on the phone.
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.get_by_test_id("queue-count").inner_text() == "4"
    assert w.village("tdw").name in page.get_by_test_id("village-list").inner_text()
    page.get_by_test_id("queue-button").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queue-list] [data-uuid]').length === 4")
    shot(page, "fieldapp-offline-queue")
    queued = page.evaluate("() => FieldStore.queueAll()")
    assert {r["type"] for r in queued} == {"visit", "request"} and len({r["uuid"] for r in queued}) == 4
    assert not Visit.objects.filter(notes__startswith="离线走访").exists()

    # Back online: the `online` event sends the queue, which empties.
    context.set_offline(False)
    page.wait_for_function("() => document.querySelector('[data-testid=queue-count]').textContent === '0'")
    expect(page.locator("[data-testid=queue-list] [data-uuid]")).to_have_count(0)
    # It says so, and lists what the server received.
    expect(page.get_by_test_id("queue-status")).to_contain_text("全部记录已发送")
    expect(page.locator("[data-testid=sent-list] [data-uuid]")).to_have_count(4)
    assert "离线走访第1户" not in page.get_by_test_id("sent-list").inner_text()  # labels, not the notes
    shot(page, "fieldapp-synced")

    # Offline again, the household shows the visit just sent beside the ones it downloaded.
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_test_id("village-list").get_by_role("button").first.click()
    _open_household(page, households[1].number)
    history = page.get_by_test_id("household-visits").inner_text()
    assert "离线走访第1户" in history and "关爱留守" in history, history
    shot(page, "fieldapp-household-history")
    context.set_offline(False)

    for text in notes:
        assert Visit.objects.filter(notes=text).count() == 1
    visit = Visit.objects.get(notes="离线走访第1户")
    assert visit.kind == "care" and visit.cadre == w.cadres["tdw"][0] and visit.device_time is not None
    assert VillagerRequest.objects.filter(text="希望硬化入户路", household=households[2]).count() == 1
    assert SyncReceipt.objects.filter(uuid__in=[r["uuid"] for r in queued]).count() == 4

    # The same batch sent again through the API: every record is a duplicate, nothing is added.
    from django.test import Client

    client = Client()
    client.force_login(w.users["tdw_cadre"])
    batch = {"records": [{"type": r["type"], "uuid": r["uuid"], "data": r["data"]} for r in queued]}
    response = client.post("/api/v1/sync", data=json.dumps(batch), content_type="application/json")
    assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * 4
    assert Visit.objects.filter(notes__startswith="离线走访").count() == 3


def test_sync_button_and_invalid_record_stays_in_queue(browser_world, live_server, phone, login, shot):
    from minxin.fieldwork.models import Meeting

    w = browser_world
    context, page = phone
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.click("[data-action=new-meeting][data-category=lecture]")
    page.select_option("#m-kind", "law")
    page.fill("#m-place", "村委会")
    page.fill("#m-topic", "法治讲座：土地承包")
    page.fill("#m-att", "45")
    page.click("form[data-form=meeting] button[type=submit]")
    # A record the server will refuse (a household id this cadre may not see), put on the queue.
    page.evaluate("""(id) => FieldStore.queuePut({uuid: crypto.randomUUID(), type: 'visit', created: Date.now(),
        username: 'tdw_cadre', status: 'pending', device_time: new Date().toISOString(),
        data: {household_id: id, occurred_at: new Date().toISOString(), kind: 'home'}})""",
                  w.fieldwork["gz"]["households"][0].pk)
    # And one a crafted client might send: an impossible date and 5,000 characters of notes.
    page.evaluate("""(id) => FieldStore.queuePut({uuid: crypto.randomUUID(), type: 'visit', created: Date.now(),
        username: 'tdw_cadre', status: 'pending', device_time: new Date().toISOString(),
        data: {household_id: id, occurred_at: '2026-02-30T10:00:00+08:00', kind: 'home', notes: '长'.repeat(5001)}})""",
                  w.fieldwork["tdw"]["households"][0].pk)
    page.get_by_test_id("queue-button").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queue-list] [data-uuid]').length === 3")
    context.set_offline(False)
    page.get_by_test_id("sync-now").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=queue-list] [data-status=invalid]').length === 2")
    # Refused records are flagged with their reason and no longer sent: the queue is not stuck on them.
    assert page.get_by_test_id("queue-count").inner_text() == "2"
    assert page.locator("[data-testid=queue-list] [data-status=pending]").count() == 0
    listed = page.get_by_test_id("queue-list").inner_text()
    assert "不在您的管辖范围" in listed and "时间格式不正确" in listed
    # The page says plainly that two were refused and that the lecture went through.
    expect(page.get_by_test_id("queue-status")).to_contain_text("2 条记录被服务器拒收")
    expect(page.get_by_test_id("refused-heading")).to_be_visible()
    expect(page.get_by_test_id("pending-heading")).to_have_count(0)
    assert "宣讲" in page.get_by_test_id("sent-list").inner_text()
    shot(page, "fieldapp-invalid")
    page.get_by_test_id("sync-now").click()  # sending again sends nothing and changes nothing
    page.wait_for_timeout(500)
    assert page.locator("[data-testid=queue-list] [data-status=invalid]").count() == 2
    lecture = Meeting.objects.get(topic="法治讲座：土地承包")
    assert lecture.category == "lecture" and lecture.attendance == 45


def test_public_request_page_on_a_phone(browser_world, live_server, phone, shot):
    _context, page = phone
    card = browser_world.fieldwork["tdw"]["card"]
    page.goto(f"{live_server.url}/r/{card.token}/")
    assert card.household.number in page.get_by_test_id("public-household").inner_text()
    page.fill("textarea[name=text]", "村口的桥栏杆松了，请来看看。")
    shot(page, "public-request")
    page.click("form[method=post] button[type=submit]")
    page.get_by_test_id("public-sent").wait_for()
    reference = page.get_by_test_id("public-reference").inner_text()
    filed = VillagerRequest.objects.get(text="村口的桥栏杆松了，请来看看。")
    assert reference == filed.reference_display
    shot(page, "public-request-sent")
    # The team answers; days later the villager scans the card again and types the number.
    services.request_answer(actor=browser_world.users["tdw_cadre"], request=filed, answer="已安排村里维修，周五前修好。")
    page.goto(f"{live_server.url}/r/{card.token}/")
    page.fill("input[name=ref]", reference.lower())
    page.click("[data-testid=public-lookup] button")
    assert page.get_by_test_id("public-status-label").inner_text() == "已答复"
    assert "周五前修好" in page.get_by_test_id("public-answer").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "public-request-status")


def test_household_edit_conflict_shows_the_server_copy(browser_world, live_server, phone, login, shot):
    from minxin.registry import services as registry_services

    w = browser_world
    context, page = phone
    household = w.fieldwork["tdw"]["households"][3]
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.get_by_test_id("village-list").get_by_role("button").first.click()
    _open_household(page, household.number)
    page.get_by_test_id("edit-household").click()
    page.get_by_test_id("household-address").fill("手机上改的地址")
    page.get_by_test_id("save-household").click()
    page.get_by_test_id("household-title").wait_for()
    # Meanwhile someone at the township office changes the same household.
    household.refresh_from_db()
    registry_services.household_update(actor=w.users["tdw_admin"], household=household, version=household.version,
                                       group=household.group, address="乡镇改的地址", phone="", lat=None, lon=None)
    context.set_offline(False)
    page.get_by_test_id("queue-button").click()
    page.wait_for_selector("[data-testid=queue-list] [data-status=conflict]")
    text = page.get_by_test_id("queue-list").inner_text()
    assert "已被他人修改" in text
    page.locator("[data-testid=queue-list] details summary").click()
    assert "乡镇改的地址" in page.get_by_test_id("queue-list").inner_text()
    shot(page, "fieldapp-conflict")
    household.refresh_from_db()
    assert household.address == "乡镇改的地址"
    # Adopting the server's copy reopens the form on it, at the server's version; saving now works.
    page.get_by_test_id("adopt-server").click()
    expect(page.get_by_test_id("household-address")).to_have_value("乡镇改的地址")
    page.get_by_test_id("household-address").fill("乡镇改的地址，3组")
    page.get_by_test_id("save-household").click()
    for _ in range(100):  # the app sends it at once (online); wait for the server to have it
        household.refresh_from_db()
        if household.version == 3:
            break
        page.wait_for_timeout(100)
    assert household.address == "乡镇改的地址，3组" and household.version == 3
    expect(page.get_by_test_id("queue-count")).to_have_text("0")


def test_coverage_requests_and_cards_pages_on_a_phone(browser_world, live_server, phone, login, shot):
    w = browser_world
    _context, page = phone
    login(page, "tdw_admin", PASSWORD)
    village = w.village("tdw")
    page.goto(f"{live_server.url}/regions/{village.code}/")
    figures = page.get_by_test_id("coverage-figures").inner_text()
    assert "本年已走访" in figures
    # Each period is a bar as wide as its share of the village's households.
    from minxin.fieldwork.coverage import village_coverage

    expected = village_coverage(village_code=village.code)
    for key, pct in (("month", expected.month_pct), ("quarter", expected.quarter_pct), ("year", expected.year_pct)):
        bar = page.get_by_test_id(f"coverage-bar-{key}")
        assert bar.get_attribute("aria-valuenow") == str(pct)
        width = page.evaluate("(el) => el.firstElementChild.getBoundingClientRect().width / el.getBoundingClientRect().width",
                              bar.element_handle())
        assert abs(width * 100 - pct) < 1.5, (key, width, pct)
    assert expected.year_pct > 0
    shot(page, "fieldwork-village-coverage")
    page.goto(f"{live_server.url}/fieldwork/requests/?status=all")
    assert "路灯坏了" in page.get_by_test_id("request-table").inner_text()
    assert "舟" not in page.get_by_test_id("request-table").inner_text()
    shot(page, "fieldwork-requests")
    page.goto(f"{live_server.url}/fieldwork/cards/{village.code}/")
    page.click("form[action$='/issue/'] button")
    page.get_by_test_id("card-count").wait_for()
    page.goto(f"{live_server.url}/fieldwork/cards/{village.code}/print/")
    assert page.get_by_test_id("liaison-card").count() >= 4
    assert page.locator("[data-testid=liaison-card] svg").count() >= 4
    shot(page, "fieldwork-cards-print")
    page.set_viewport_size({"width": 820, "height": 1160})  # about an A4 sheet at 96 dpi
    page.emulate_media(media="print")
    shot(page, "fieldwork-cards-print-a4")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/cadres/{w.cadres['tdw'][0].pk}/")
    page.get_by_test_id("cadre-presence").wait_for()
    shot(page, "fieldwork-cadre")


def test_the_web_visit_form_finds_a_household_by_typing(browser_world, live_server, page, login, shot):
    """A village's households are too many for a bare list: typing pinyin initials narrows it."""
    from django.urls import reverse

    from minxin.fieldwork.models import Visit

    households = browser_world.fieldwork["tdw"]["households"]
    target = households[2]
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}{reverse('fieldwork:visit-new')}?village={target.village_id}")
    box = page.locator("[data-filter-for=id_household]")
    box.fill(target.name_pinyin.split()[-1])
    visible = page.locator("#id_household option:not([hidden])").all_inner_texts()
    assert [text for text in visible if text.strip() != "---------"] == [
        f"{target.number} {target.head_name} {target.group}".strip()]
    assert page.locator("#id_household").input_value() == str(target.pk)
    shot(page, "fieldwork-visit-form-search")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/fieldwork/visits/*/")
    assert Visit.objects.filter(household=target, cadre__user__username="tdw_cadre").exists()


def test_a_card_is_found_and_its_qr_shown_on_a_phone(browser_world, live_server, page, login, shot):
    from django.urls import reverse

    households = browser_world.fieldwork["tdw"]["households"]
    login(page, "tdw_admin", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('fieldwork:card-list', args=[households[1].village_id])}")
    page.get_by_test_id("card-search").locator("input[name=q]").fill(households[1].head_name)
    page.get_by_test_id("card-search").locator("button").click()
    page.get_by_test_id("card-qr-link").click()
    page.get_by_test_id("card-qr").locator("svg").wait_for()
    assert households[1].head_name in page.get_by_test_id("card-qr").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "fieldwork-card-qr-phone")


def test_signing_out_leaves_no_villager_on_the_phone(browser_world, live_server, phone, login, shot):
    """Cadre A signs out and hands the phone over: the field app's copy of A's records is forgotten,
    and offline /field/ shows none of A's villages or households, nor A's name."""
    w = browser_world
    context, page = phone
    login(page, "tdw_cadre", PASSWORD)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert w.village("tdw").name in page.get_by_test_id("village-list").inner_text()
    page.goto(f"{live_server.url}/accounts/me/")
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/**")
    page.wait_for_function("""() => new Promise((done) => {
        const open = indexedDB.open("minxin-field");
        open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get("bootstrap");
            get.onsuccess = () => { open.result.close(); done(get.result === undefined); };
        };
    })""")
    context.set_offline(True)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    body = page.content()
    assert w.village("tdw").name not in body and w.fieldwork["tdw"]["households"][0].number not in body
    assert page.get_by_test_id("fa-user").inner_text() == ""
    shot(page, "fieldapp-signed-out")
