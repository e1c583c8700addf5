"""The production stack on loopback, and a smoke test through it (run by `scripts/smoke`).

Starts PostgreSQL's database `minxin_smoke` (dropped and made anew on the server of PG_URL), gunicorn
with the production environment of docs/operations.md, `minxin worker`, and nginx with
deploy/nginx-minxin.conf (TLS with a throwaway self-signed certificate); then, through nginx only:
plain HTTP is redirected to HTTPS, readiness turns 200 once the worker beats, a county user signs in,
opens a household (identifiers masked), reveals an ID number (its audit event found by the request's
id), imports a changed sheet through the upload page (the worker imports it), a cadre syncs a visit
twice (the second changes nothing), and the quarterly bulletin downloads as .docx. Last, no log line
(gunicorn's JSON log, nginx's access log) holds an ID number. Everything is stopped at the end,
whatever happened. Exit 0 when every check passed.
"""

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from prodstack import ROOT, Stack, check

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
# A request id is 32 random hex digits: one in about 300 holds 18 decimal digits in a row, which
# would read as an ID number. They are taken out before the logs are searched.
REQUEST_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
PASSWORD = "Minxin-2026"


def step(text: str) -> None:
    print(f"smoke: {text}", flush=True)


class Client:
    """A browser's part: one HTTPS connection per request, its cookies, the CSRF token it was given."""

    def __init__(self, host: str, port: int, cafile: Path, origin: str) -> None:
        self.host, self.port, self.origin = host, port, origin
        self.context = ssl.create_default_context(cafile=str(cafile))
        self.cookies: dict[str, str] = {}
        self.headers: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=120)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **self.headers, **(headers or {})}
        if method == "POST":
            sent.setdefault("Origin", self.origin)
            sent.setdefault("Referer", self.origin + path)
            sent.setdefault("X-CSRFToken", self.cookies.get("csrftoken", ""))
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response, data

    def get(self, path: str, expect: int = 200):
        response, data = self.request("GET", path)
        check(response.status == expect, f"GET {path}: {response.status}, expected {expect}")
        return response, data

    def post_form(self, path: str, fields: dict, expect: int = 302):
        body = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}).encode()
        response, data = self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        check(response.status == expect, f"POST {path}: {response.status}, expected {expect}: {data[:300]!r}")
        return response, data

    def post_file(self, path: str, field: str, name: str, content: bytes, expect: int = 302):
        boundary = uuid.uuid4().hex
        parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
                 f"{self.cookies.get('csrftoken', '')}\r\n".encode(),
                 f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode(),
                 content, f"\r\n--{boundary}--\r\n".encode()]
        response, data = self.request("POST", path, b"".join(parts),
                                      {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        check(response.status == expect, f"POST {path}: {response.status}, expected {expect}: {data[:300]!r}")
        return response, data


def changed_sheet(stack: Stack, work: Path, village: str) -> bytes:
    """The village's households exported in the import template, one member's months away changed."""
    import openpyxl

    path = work / "village.xlsx"
    stack.minxin("export-households", "--scope", village, "-o", str(path), stdout=subprocess.DEVNULL)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    months = next(i for i, text in enumerate(header) if text and str(text).startswith("务工时间"))
    row = sheet[2]
    old = row[months].value
    row[months].value = str((int(old or 0) + 3) % 12 or 5)
    book.save(path)
    return path.read_bytes()


def smoke(stack: Stack) -> None:
    work, ports, origin = stack.work, stack.ports, stack.origin
    client = Client("127.0.0.1", ports["https"], stack.cafile, origin)

    step("liveness, then readiness once the worker beats")
    ready = stack.wait_ready()
    response, data = client.get("/healthz")
    check(json.loads(data) == {"status": "ok"}, data)
    check(all(check["ok"] for check in ready["checks"].values()), ready)

    step("plain HTTP is redirected to HTTPS")
    plain = http.client.HTTPConnection("127.0.0.1", ports["http"], timeout=10)
    plain.request("GET", "/accounts/login/?next=/")
    answer = plain.getresponse()
    check(answer.status == 301 and answer.getheader("Location") == origin + "/accounts/login/?next=/",
          f"HTTP answered {answer.status} {answer.getheader('Location')}")

    step("sign in as the county admin")
    response, page = client.get("/accounts/login/")
    check("Strict-Transport-Security" in response.headers, "no HSTS header over HTTPS")
    response, _ = client.post_form("/accounts/login/", {"username": "admin", "password": PASSWORD})
    check(response.getheader("Location") in ("/", origin + "/"), f"login went to {response.getheader('Location')}")
    check("Secure" in str(response.headers.get_all("Set-Cookie")), "the session cookie is not Secure")

    step("a household page, identifiers masked")
    response, data = client.get("/registry/households/")
    household = re.search(r'href="/registry/households/(\d+)/"', data.decode())
    check(household, "no household listed")
    response, data = client.get(f"/registry/households/{household.group(1)}/")
    page = data.decode()
    check("*" in page and not ID_NUMBER.search(page), "the household page shows a whole ID number")

    step("reveal an ID number: shown once, its audit event found by the request's id")
    member = re.search(r'hx-post="/registry/members/(\d+)/reveal/"', page)
    check(member, "no reveal button on the household page")
    response, data = client.post_form(f"/registry/members/{member.group(1)}/reveal/", {}, expect=200)
    revealed = ID_NUMBER.search(data.decode())
    check(revealed, "the reveal did not show the number")
    request_id = response.getheader("X-Request-ID")
    check(request_id and re.fullmatch(r"[0-9a-f]{32}", request_id), f"nginx's request id not answered: {request_id}")
    response, data = client.get("/audit/?" + urlencode({"request_id": request_id}))
    check("查看完整身份证号" in data.decode() and revealed.group() not in data.decode(),
          "the reveal's audit event is not found by its request id (or holds the number)")
    client.get("/registry/households/?" + urlencode({"q": revealed.group()}))  # no log may keep it (below)

    step("the database, as a backup holds it, has the revealed number sealed, never in clear")
    backup = work / "smoke.bak"
    stack.minxin("backup", str(backup), stdout=subprocess.DEVNULL)
    dump = stack.run("pg_restore", "--file=-", str(backup), capture_output=True).stdout
    check(b"registry_member" in dump and b"mx1." in dump, "the backup holds no sealed identifiers")
    check(revealed.group().encode() not in dump, "the backup holds the revealed ID number in clear")

    step("import a changed sheet through the upload page; the worker imports it, under the upload's request id")
    village = re.search(r"/regions/(\d{12})/", page)
    check(village, "no village link on the household page")
    content = changed_sheet(stack, work, village.group(1))
    response, _ = client.post_file("/registry/import/", "file", "village.xlsx", content)
    upload_request = response.getheader("X-Request-ID")
    job = re.search(r"/registry/import/(\d+)/", response.getheader("Location") or "")
    check(job, f"the upload went to {response.getheader('Location')}")
    deadline = time.monotonic() + 120
    while True:
        stack.alive()
        response, data = client.get(f"/registry/import/{job.group(1)}/progress/")
        state = re.search(r'data-state="(\w+)"', data.decode()).group(1)
        if state not in ("queued", "running"):
            break
        check(time.monotonic() < deadline, "the import did not finish within 120 s")
        time.sleep(1)
    text = re.sub(r"<[^>]+>", " ", data.decode())
    check(state == "done" and re.search(r"人：新增 / 更新 / 无变化\s+0 / 1 / \d+", text),
          f"import ended {state}: {' '.join(text.split())[:400]}")
    response, data = client.get("/audit/?" + urlencode({"request_id": upload_request}))
    check('title="household.import.upload"' in data.decode() and 'title="household.import.update"' in data.decode(),
          "the upload's request id is not on the worker's import events")

    step("a cadre syncs a visit; the same batch again changes nothing")
    token = stack.minxin("issue-token", "cadre", capture_output=True, text=True).stdout.split()[-1]
    api = Client("127.0.0.1", ports["https"], stack.cafile, origin)
    api.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    response, data = api.get("/api/v1/households?page_size=1")
    target = json.loads(data)["results"][0]["id"]
    when = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600 - 3600))
    batch = json.dumps({"records": [{"type": "visit", "uuid": str(uuid.uuid4()), "data": {
        "household_id": target, "occurred_at": when, "kind": "home", "notes": "冒烟测试走访"}}]}).encode()
    statuses = []
    for _attempt in range(2):
        response, data = api.request("POST", "/api/v1/sync", batch)
        check(response.status == 200, f"sync answered {response.status}: {data[:300]!r}")
        statuses.append(json.loads(data)["results"][0]["status"])
    check(statuses[0] != statuses[1] and statuses[0] in ("created", "accepted"), f"sync statuses {statuses}")
    step(f"sync statuses: {statuses[0]}, then {statuses[1]}")

    step("the quarterly bulletin downloads as .docx")
    response, data = client.get("/assessment/")
    period = re.search(r'href="(/assessment/periods/[0-9]{6}/[^"/]+/)"', data.decode())
    check(period, "no assessment period listed")
    response, data = client.get(period.group(1))
    link = re.search(r'href="(/assessment/periods/[^"]+\.docx)"', data.decode())
    check(link, "no bulletin .docx link on the period page")
    response, data = client.get(link.group(1).replace("&amp;", "&"))
    check(data[:2] == b"PK" and "wordprocessingml" in (response.getheader("Content-Type") or ""),
          f"the bulletin is not a .docx: {response.getheader('Content-Type')}")

    step("no log line holds an ID number; the reveal's request id is in both logs")
    time.sleep(1)
    app_log = (work / "gunicorn.log").read_text(errors="replace")
    access_log = (work / "minxin.access.log").read_text(errors="replace")
    for name, log in (("gunicorn", app_log), ("nginx", access_log)):
        found = ID_NUMBER.search(REQUEST_ID.sub("", log))
        check(not found, f"the {name} log holds an ID number: {found and found.group()[:6]}…")
        check(request_id in log, f"the {name} log lacks the reveal's request id")
    plain = [line for line in app_log.splitlines() if line and not line.startswith("{")]
    check(not plain, f"gunicorn's log has lines that are not JSON: {plain[:3]}")
    lines = [json.loads(line) for line in app_log.splitlines()]
    check(any(line.get("request_id") == request_id and line.get("path", "").endswith("/reveal/") for line in lines),
          "no JSON request line for the reveal")
    stack.alive()


def main() -> int:
    pg_url = os.environ.get("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    for tool in ("nginx", "openssl"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            print(f"smoke: {tool} is not installed (apt-get install {tool})", file=sys.stderr)
            return 1
    work = Path(os.environ.get("MINXIN_VAR_DIR", ROOT / "var")).resolve() / "smoke"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    stack = Stack(work, pg_url, "minxin_smoke")
    started = time.monotonic()
    try:
        step(f"database minxin_smoke on {urlsplit(pg_url).hostname or 'a local socket'}; check --deploy, migrate, "
             "collect static, demo, certificate, nginx -t")
        stack.prepare(scale="small")
        ports = stack.ports
        step(f"starting gunicorn (:{ports['app']}), the worker, nginx (:{ports['http']} → :{ports['https']})")
        stack.start()
        smoke(stack)
    except Exception as exc:  # whatever failed, the stack is stopped and its logs shown
        print(f"smoke: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(stack.show_logs(), file=sys.stderr)
        return 1
    finally:
        stack.stop()
        stack.drop_database()
    step(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
