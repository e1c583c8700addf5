"""The load test's users (locust), run by scripts/load.py against the production stack on loopback.

Officials (county and township admins, and the city supervisor in the prefecture demo; each signed
in through the login form with an account of its own, copies of the demo's that scripts/load.py makes) search households, open household pages, the dashboard and the map's data,
and fetch what their browser fetches once a page has loaded (the menu's to-do count, the dashboard's
to-do panel);
cadres (an account and API token each, in a village of its own) sync batches of 50 visits. A few requests to /healthz measure the floor: what
nginx + gunicorn cost under the same load, with no application work. LOAD_DATA names the JSON file
scripts/load.py wrote (accounts, household ids, search words, the cadres' tokens and households, the
CA file); every request is appended to the file LOAD_LOG names.
"""

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid

from locust import HttpUser, between, events, task

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())  # noqa: SIM115 - read once at import
PASSWORD = "Minxin-2026"
ACCOUNTS = itertools.cycle(DATA["officials"])
CADRES = itertools.cycle(DATA["cadres"])
LOG = open(os.environ["LOAD_LOG"], "a", encoding="utf-8", buffering=1)  # noqa: SIM115 - one line a request, all run


@events.request.add_listener
def _logged(name: str, response_time: float, exception: Exception | None, **_kwargs: object) -> None:
    """Every request as `time kind ms failed` (scripts/load.py reads it for the report's windows)."""
    LOG.write(f"{time.time():.3f}\t{name}\t{response_time:.1f}\t{int(exception is not None)}\n")


# Think time: an official reads a page for 5–15 s before the next; a cadre's phone syncs a batch
# every 10–30 s (a phone back in coverage syncs once: this is many phones).
class Official(HttpUser):
    weight = 4
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.client.verify = DATA["cafile"]
        self.account = next(ACCOUNTS)  # an account of its own
        page = self.client.get("/accounts/login/", name="login form").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.client.post("/accounts/login/", name="login", allow_redirects=False,
                         data={"csrfmiddlewaretoken": token, "username": self.account["username"], "password": PASSWORD},
                         headers={"Referer": self.host + "/accounts/login/", "Origin": self.host})

    def page(self, url: str, name: str, **kwargs: object) -> None:
        """A page, and what the browser fetches once it has loaded: the menu's to-do count."""
        self.client.get(url, name=name, **kwargs)
        self.client.get("/accounts/me/todo/count/", name="menu's to-do count")

    @task(4)
    def household_search(self) -> None:
        self.page("/registry/households/", "household search", params={"q": random.choice(DATA["words"])})

    @task(4)
    def household_page(self) -> None:
        household = random.choice(self.account["households"])
        self.page(f"/registry/households/{household}/", "household page")

    @task(2)
    def dashboard(self) -> None:
        self.page(f"/reports/dashboard/{self.account['region']}/", "dashboard")
        self.client.get("/accounts/me/todo/panel/", name="dashboard's to-do panel")  # the landing page's panel

    @task(1)
    def map_data(self) -> None:
        if not self.account["map"]:  # a prefecture has no map of its own
            return
        self.client.get(f"/reports/map/{self.account['region']}/data/", name="map data")

    @task(1)
    def floor(self) -> None:
        self.client.get("/healthz", name="floor (/healthz)")


class Cadre(HttpUser):
    weight = 1
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.client.verify = DATA["cafile"]
        self.account = next(CADRES)  # a cadre of its own, in its own village
        self.client.headers["Authorization"] = f"Bearer {self.account['token']}"

    @task
    def sync_50_visits(self) -> None:
        now = datetime.datetime.now(datetime.UTC)
        records = [{"type": "visit", "uuid": str(uuid.uuid4()), "data": {
            "household_id": random.choice(self.account["households"]), "kind": "home", "notes": "负载测试走访",
            "occurred_at": (now - datetime.timedelta(minutes=random.randint(5, 600))).isoformat()}}
            for _ in range(50)]
        with self.client.post("/api/v1/sync", json={"records": records}, name="sync 50 visits",
                              catch_response=True) as response:
            if response.status_code == 200:
                statuses = {result["status"] for result in response.json()["results"]}
                if statuses != {"created"}:
                    response.failure(f"statuses {statuses}")
