"""The offline field app at /field/: its shell page, its service worker and its manifest.

The shell holds no personal data (the cadre's villages and households come from the bootstrap
endpoint and live in the phone's IndexedDB), so the service worker may cache it for offline use.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie

STATIC_DIR = Path(__file__).resolve().parent / "static" / "fieldapp"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "fieldapp" / "app.html"
APP_ASSETS = ["fieldapp/app.css", "fieldapp/store.js", "fieldapp/app.js", "fieldapp/icon-192.png",
              "fieldapp/icon-512.png"]
SHARED_ASSETS = ["vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                 "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2"]


@lru_cache(maxsize=1)
def app_version() -> str:
    """Changes whenever the app's files change, so phones drop the old cache."""
    digest = hashlib.sha256()
    for path in sorted([*STATIC_DIR.iterdir(), TEMPLATE, Path(__file__)]):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@login_required
@ensure_csrf_cookie
def app(request):
    return render(request, "fieldapp/app.html", {
        "i18n": {
            "online": _("在线"), "offline": _("离线"), "queued": _("待发送"), "sending": _("正在发送…"),
            "sent": _("已全部发送"), "send_failed": _("发送失败，有网络时会自动重试。"),
            "login_needed": _("登录已过期，请联网后重新登录；未发送的记录仍保存在手机上。"),
            "saved": _("已保存在手机上，有网络时自动发送。"), "no_households": _("没有可显示的农户。"),
            "invalid": _("有误"), "conflict": _("冲突"), "pending": _("待发送"), "remove": _("删除"),
            "confirm_remove": _("删除这条未发送的记录？"), "updated": _("数据更新于"), "visit": _("走访"),
            "meeting": _("群众会"), "lecture": _("宣讲"), "training": _("培训"), "request": _("诉求"),
            "need": _("民情"), "household": _("户信息"), "server_copy": _("服务器上的数据"),
            "location_none": _("未定位"), "location_wait": _("正在定位…"), "location_fail": _("无法定位（可不填）"),
            "required": _("请填写必填项。"), "no_data": _("请先联网打开一次外业应用，下载本人负责的村和农户。"),
            "households": _("户"), "paired": _("结对"), "care": _("留守"),
            "help": _("帮扶措施"), "no_visits": _("近一年没有走访记录。"),
            "refused_h": _("被服务器拒收：请按原因改正后重新记录，再删除这条"), "pending_h": _("待发送"),
            "n_refused": _("%s 条记录被服务器拒收，原因见下方。"), "n_pending": _("%s 条记录待发送。"),
            "n_sent": _("已发送 %s 条记录，服务器已收到。"), "all_sent": _("全部记录已发送，服务器已收到。"),
            "last_sent": _("最后发送于"), "sent_badge": _("已发送"), "recorded": _("记录于"), "sent_at": _("发送于"),
            "none_sent": _("这台手机还没有发送过记录。"),
            "adopt": _("以服务器数据为准，重新修改"),
            "fields": {"number": _("户编号"), "head_name": _("户主"), "group": _("村民小组"), "address": _("住址"),
                       "phone": _("联系电话"), "version": _("版本"), "kind": _("类型"), "occurred_at": _("时间"),
                       "notes": _("民情日记"), "topic": _("主题"), "text": _("内容")},
        },
        "checkin": settings.MINXIN_GPS_CHECKIN,
    })


@never_cache
def service_worker(request):
    response = render(request, "fieldapp/sw.js", {
        "version": app_version(),
        "shell": reverse("field:app"),
        "assets": [static(name) for name in [*APP_ASSETS, *SHARED_ASSETS]] + [reverse("field:manifest")],
    }, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:app")
    return response


def manifest(request):
    start = reverse("field:app")
    data = {
        "name": _("民心 · 驻村外业"), "short_name": _("民心外业"), "lang": "zh-CN",
        "start_url": start, "scope": start, "display": "standalone", "orientation": "portrait",
        "theme_color": "#b3121f", "background_color": "#ffffff",
        "description": _("驻村干部离线记录走访、会议、宣讲和群众诉求，有网络时自动同步。"),
        "icons": [
            {"src": static("fieldapp/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("fieldapp/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
