"""Locust users, one class per benchmark scenario.

`python -m bench` drives these through locust's library API (bench/load.py).
They also work with the locust CLI against a server you started yourself:

    BENCH_CONFIG=bench/.data/config.json .venv/bin/locust -f bench/locustfile.py \
        --headless --users 4 --spawn-rate 4 --run-time 20s --host http://127.0.0.1:8000 ListPage1

BENCH_CONFIG is the JSON file `python -m bench` writes (bench/.data/config.json):
password, API token, tenant ids to visit and to confirm for. Without it only
`Healthz` has what it needs.
"""

import datetime
import itertools
import json
import os
import re
import uuid
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

CONFIG = {}
if os.environ.get("BENCH_CONFIG"):
    with open(os.environ["BENCH_CONFIG"], encoding="utf-8") as config_file:
        CONFIG = json.load(config_file)

RUN_ID = os.environ.get("BENCH_RUN_ID") or uuid.uuid4().hex[:8]
# Each round of a run is a new locust process: its own mark keeps the acceptors' emails new (R6).
PROCESS_ID = uuid.uuid4().hex[:6]
SIGN_IN = "sign in"
_user_numbers = itertools.count()
# How many simulated users finished signing in (bench/load.py waits for all before measuring).
sign_ins = {"done": 0, "failed": 0, "reasons": {}}

_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_VALUE = re.compile(r'\bvalue="([^"]*)"')
_ERROR = re.compile(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>(.*?)</', re.DOTALL)


def form_value(html: str, name: str) -> str | None:
    """The value of the <input name=...> in a rendered form, whatever the attribute order."""
    for tag in _INPUT.findall(html):
        if f'name="{name}"' in tag:
            match = _VALUE.search(tag)
            return match.group(1) if match else None
    return None


def form_error(html: str) -> str:
    match = _ERROR.search(html)
    text = re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip() if match else "no message found"
    return text[:120]


def _urlencoded(data: dict) -> dict:
    return {"data": urlencode(data), "headers": {"Content-Type": "application/x-www-form-urlencoded"}}


class BenchUser(FastHttpUser):
    """A simulated person or script: signs in once, then repeats one request without pause."""

    abstract = True
    wait_time = constant(0)
    username: str | None = None  # None: anonymous or token-based
    scenario = ""
    primary = ""  # the request name the scenario's figures are taken from

    def on_start(self):
        self.number = next(_user_numbers)
        if self.username is None:
            return
        ok, reason = self.sign_in(self.username, CONFIG.get("password", "accord-demo-2026"))
        sign_ins["done" if ok else "failed"] += 1
        if not ok:
            sign_ins["reasons"][reason] = sign_ins["reasons"].get(reason, 0) + 1

    def sign_in(self, username: str, password: str) -> tuple[bool, str]:
        with self.client.get(
            "/accounts/login/", name=SIGN_IN, catch_response=True, allow_redirects=False
        ) as response:
            csrf = form_value(response.text or "", "csrfmiddlewaretoken")
            if response.status_code != 200 or not csrf:
                reason = f"login page: HTTP {response.status_code}"
                response.failure(reason)
                return False, reason
        form = {"csrfmiddlewaretoken": csrf, "username": username, "password": password}
        with self.client.post(
            "/accounts/login/", name=SIGN_IN, catch_response=True, allow_redirects=False, **_urlencoded(form)
        ) as response:
            if response.status_code != 302:
                reason = f"sign-in refused for {username}: HTTP {response.status_code}"
                response.failure(reason)
                return False, reason
        return True, ""

    def get_ok(self, path: str, *, name: str | None = None, headers: dict | None = None):
        with self.client.get(
            path, name=name or self.primary, headers=headers, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response


def _cycle(key: str):
    # Without prepared tenants: one that does not exist (the scenario then reports its 404s).
    return itertools.cycle(CONFIG.get(key) or ["00000000-0000-4000-8000-000000000000"])


class Healthz(BenchUser):
    scenario = primary = "healthz"

    @task
    def get(self):
        self.get_ok("/healthz")


class ListPage1(BenchUser):
    username = "sales.agent"
    scenario = primary = "list_page1"

    @task
    def get(self):
        self.get_ok("/customers/")


class ListDeepPage(BenchUser):
    username = "sales.agent"
    scenario = primary = "list_deep_page"

    @task
    def get(self):
        self.get_ok(f"/customers/?page={CONFIG.get('deep_page', 2000)}")


class ListSearch(BenchUser):
    username = "sales.agent"
    scenario = primary = "list_search"

    @task
    def get(self):
        self.get_ok("/customers/?" + urlencode({"q": CONFIG.get("search", "Harbor")}))


def _first_searches():
    """Search texts not searched before in this run: the seeded names' words, in mixed case.

    Both databases match case-insensitively, so every text matches what its word matches
    (about 5 % of the customers); the list remembers searches by their text as typed, so
    none is found remembered. The case patterns are split between the rounds (each round
    is a new process), and within a round no text comes twice until all are used.
    """
    words = CONFIG.get("search_words") or [CONFIG.get("search", "Harbor")]
    round_no = int(os.environ.get("BENCH_ROUND", "1"))
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
    while True:
        for pattern in range(round_no - 1, 2 ** max(map(len, words)), rounds):
            for word in words:
                if pattern < 2 ** len(word):
                    yield "".join(c.upper() if pattern >> i & 1 else c.lower() for i, c in enumerate(word))


# One sequence for every simulated user of the process.
_FIRST_SEARCHES = _first_searches()


class ListSearchFirst(BenchUser):
    """A search made for the first time in this version of the list: counted, then remembered."""

    username = "sales.agent"
    scenario = primary = "list_search_first"

    @task
    def get(self):
        self.get_ok("/customers/?" + urlencode({"q": next(_FIRST_SEARCHES)}))


class ListFilter(BenchUser):
    username = "sales.agent"
    scenario = primary = "list_filter"

    @task
    def get(self):
        self.get_ok("/customers/?status=required")


class AccountInfo(BenchUser):
    """A different customer each time (a mix of Confirmed, Required and with history)."""

    username = "sales.agent"
    scenario = primary = "account_info"

    def on_start(self):
        super().on_start()
        self.tenants = _cycle("detail_tenants")

    @task
    def get(self):
        self.get_ok(f"/customers/{next(self.tenants)}/")


class AdminChangelist(BenchUser):
    """The peer: Django admin's customer changelist over the same 100,000 rows, as staff."""

    username = "staff"
    scenario = primary = "admin_changelist"

    @task
    def get(self):
        self.get_ok("/admin/customers/customer/")


class ConfirmPost(BenchUser):
    """F2: GET the form (CSRF token, fresh idempotency key), then POST a new acceptor.

    Each simulated client confirms for its own customers; the email differs on
    every POST, in every round, so R6 (no duplicates) never refuses one.
    """

    username = "sales.agent"
    scenario = "confirm_post"
    primary = "confirm: POST"
    form_name = "confirm: GET form"

    def on_start(self):
        super().on_start()
        tenants = CONFIG.get("write_tenants") or []
        size = max(1, CONFIG.get("write_pool", 1))
        pools = max(1, len(tenants) // size)
        start = (self.number % pools) * size
        self.tenants = itertools.cycle(tenants[start : start + size] or [str(uuid.uuid4())])
        self.posts = itertools.count()

    @task
    def confirm(self):
        path = f"/customers/{next(self.tenants)}/agreement/"
        with self.client.get(
            path, name=self.form_name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            html = response.text or ""
        n = next(self.posts)
        form = {
            "csrfmiddlewaretoken": form_value(html, "csrfmiddlewaretoken") or "",
            "idempotency_key": form_value(html, "idempotency_key") or str(uuid.uuid4()),
            "first_name": "Bench",
            "last_name": f"Client {self.number}",
            "email": f"bench.{RUN_ID}.{PROCESS_ID}.{self.number}.{n}@example.com",
            "phone_number": "",
            "date_agreed": (datetime.date.today() - datetime.timedelta(days=1 + n % 300)).isoformat(),
        }
        with self.client.post(
            path, name=self.primary, catch_response=True, allow_redirects=False, **_urlencoded(form)
        ) as response:
            if response.status_code == 302:
                response.success()
            elif response.status_code == 200:
                response.failure(f"form re-rendered: {form_error(response.text or '')}")
            else:
                response.failure(f"HTTP {response.status_code}")


class ApiUser(BenchUser):
    abstract = True

    def on_start(self):
        super().on_start()
        self.headers = {"Authorization": f"Bearer {CONFIG.get('token', '')}", "Accept": "application/json"}


class ApiCustomers(ApiUser):
    scenario = primary = "api_customers"

    @task
    def get(self):
        self.get_ok("/v1/customers?size=100", headers=self.headers)


class ApiAgreements(ApiUser):
    scenario = primary = "api_agreements"

    def on_start(self):
        super().on_start()
        self.tenants = _cycle("api_tenants")

    @task
    def get(self):
        self.get_ok(f"/v1/customers/{next(self.tenants)}/agreements?agreementType=*", headers=self.headers)


SCENARIOS = {
    cls.scenario: cls
    for cls in (
        Healthz,
        ListPage1,
        ListDeepPage,
        ListSearch,
        ListSearchFirst,
        ListFilter,
        AccountInfo,
        AdminChangelist,
        ConfirmPost,
        ApiCustomers,
        ApiAgreements,
    )
}
