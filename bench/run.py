"""`make bench`: seed a large database, serve Accord with gunicorn, load it with locust, report.

Steps: (1) seed a fresh database at a small and at the full size, measuring time
and peak memory of `seed_demo`; (2) pick tenants and create an API token
(bench/prepare.py); (3) start gunicorn (2 workers) on 127.0.0.1; (4) in rounds,
run every scenario once per round in its own locust process (bench/load.py):
sign in, warm up, one timed repetition; (5) print a table, the ratios (each the
median of its per-round ratios) and PASS/MISS against the targets,
and write bench/results.json. Figures, never a test failure: the exit status is
0 unless the benchmark itself could not run (e.g. the server did not start).
"""

import argparse
import datetime
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
PYTHON = sys.executable

# (scenario, what it requests, who); the order they run in. Writes come last: they change the data.
SCENARIOS = [
    ("healthz", "/healthz", "anonymous"),
    ("list_page1", "/customers/", "sales.agent"),
    ("list_deep_page", "/customers/?page={deep_page}", "sales.agent"),
    ("list_search", "/customers/?q={search}", "sales.agent"),
    ("list_search_first", "/customers/?q=<a search not made before>", "sales.agent"),
    ("list_filter", "/customers/?status=required", "sales.agent"),
    ("account_info", "/customers/<tenant>/", "sales.agent"),
    ("admin_changelist", "/admin/customers/customer/", "staff"),
    ("api_customers", "/v1/customers?size=100", "Bearer (sales.agent)"),
    ("api_agreements", "/v1/customers/<tenant>/agreements?agreementType=*", "Bearer (sales.agent)"),
    ("confirm_post", "GET+POST /customers/<tenant>/agreement/", "sales.agent"),
]
WRITE_SCENARIOS = {"confirm_post"}
SQLITE_MIN_CONFIRMATIONS_PER_SECOND = 100
LIST_OVER_HEALTHZ_MAX = 8.0
DEEP_OVER_PAGE1_MAX = 1.5
ADMIN_OVER_LIST_MAX = 1.5
WORKER_RSS_MAX_MB = 150
SEED_RSS_MAX_MB = 300
# "Flat": five times the rows may cost at most this much more peak memory.
SEED_FLAT_MAX_GROWTH = 0.20
SEED_FLAT_MIN_SLACK_MB = 20
# Rounds after the first find the server warm: a shorter warm-up for each scenario's new clients.
LATER_ROUND_WARMUP_S = 2
# The reference loop's length: a pure-Python workload, as a request's own work is.
CPU_REFERENCE_ADDITIONS = 1_000_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark Accord: seed, serve, load with locust, report (bench/README.md).",
    )
    parser.add_argument(
        "--customers", type=int, default=100_000, help="synthetic customers to seed (%(default)s)"
    )
    parser.add_argument(
        "--seed-small",
        type=int,
        default=None,
        help="also seed this many into a scratch database to show the seed's memory stays flat "
        "(default: a fifth of --customers; 0 skips)",
    )
    parser.add_argument("--users", type=int, default=4, help="concurrent clients for reads (%(default)s)")
    parser.add_argument(
        "--write-users", type=int, default=16, help="concurrent clients for F2 POSTs (%(default)s)"
    )
    parser.add_argument(
        "--warmup", type=float, default=5, help="seconds of warm-up per scenario (%(default)s)"
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds per repetition (%(default)s)")
    parser.add_argument(
        "--repetitions",
        type=int,
        default=3,
        help="rounds; each runs every scenario once for --duration seconds (%(default)s)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (%(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--password", default=os.environ.get("DEMO_PASSWORD") or "accord-demo-2026")
    parser.add_argument("--search", default="Harbor", help="company-name fragment to search (%(default)s)")
    parser.add_argument("--deep-page", type=int, default=2000, help="the deep list page (%(default)s)")
    parser.add_argument(
        "--scenarios", default="", help="comma-separated subset: " + ",".join(name for name, *_ in SCENARIOS)
    )
    parser.add_argument(
        "--pg-database",
        default="accord_bench",
        help="database the benchmark creates on PostgreSQL (%(default)s)",
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep an already seeded benchmark database (migrate only)"
    )
    parser.add_argument("--out", default=str(BENCH_DIR / "results.json"))
    parser.add_argument("--report", metavar="RESULTS_JSON", help="only print the report of an earlier run")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 2,000 customers, 1 s warm-up, one 3 s repetition"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.customers = min(args.customers, 2000)
        args.warmup, args.duration, args.repetitions = 1, 3, 1
    if args.seed_small is None:
        args.seed_small = args.customers // 5
    wanted = {s.strip() for s in args.scenarios.split(",") if s.strip()}
    unknown = wanted - {name for name, *_ in SCENARIOS}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    args.scenario_names = [name for name, *_ in SCENARIOS if not wanted or name in wanted]
    return args


# --- databases -------------------------------------------------------------------------------


class Database:
    """The benchmark's own database: a file under bench/.data, or its own PostgreSQL database."""

    def __init__(self, *, source_url: str, name: str, pg_database: str):
        self.vendor = (
            "postgresql" if source_url.startswith(("postgres://", "postgresql://", "pgsql://")) else "sqlite"
        )
        if self.vendor == "postgresql":
            parts = urllib.parse.urlsplit(source_url)
            self.name = pg_database if name == "main" else f"{pg_database}_{name}"
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.name))
            self.admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        else:
            self.path = DATA_DIR / ("bench.sqlite3" if name == "main" else f"bench-{name}.sqlite3")
            self.name = str(self.path)
            self.url = f"sqlite:///{self.path}"

    def _pg(self, sql: str):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def exists_with_data(self) -> bool:
        if self.vendor == "sqlite":
            return self.path.exists() and self.path.stat().st_size > 1_000_000
        import psycopg

        try:
            with psycopg.connect(self.url) as conn:
                return conn.execute("SELECT count(*) FROM customers_customer").fetchone()[0] > 0
        except psycopg.Error:
            return False

    def drop(self):
        if self.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        else:
            self._pg(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def create(self):
        self.drop()
        if self.vendor == "postgresql":
            self._pg(f'CREATE DATABASE "{self.name}"')


def server_env(db_url: str, run_id: str) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY")
            or f"bench-only-secret-{run_id}-not-for-production",
            "DJANGO_SECURE_SSL": "0",
            "DJANGO_STATIC_MANIFEST": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_logged(cmd: list[str], *, env: dict, log: Path, timeout: float | None = None) -> dict:
    """Run a command, its output to a log; return its exit status, seconds and peak RSS (wait4)."""
    started = time.monotonic()
    with log.open("a", encoding="utf-8") as out:
        out.write(f"\n$ {' '.join(cmd)}\n")
        out.flush()
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        deadline = None if timeout is None else started + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.05)
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "returncode": process.returncode,
        "seconds": round(time.monotonic() - started, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
    }


def seed(db: Database, *, customers: int, password: str, env: dict, log: Path) -> dict:
    db.create()
    migrate = run_logged([PYTHON, "manage.py", "migrate", "--noinput"], env=env, log=log)
    if migrate["returncode"]:
        return {"customers": customers, "error": f"migrate failed (see {log})", "migrate": migrate}
    cmd = [PYTHON, "manage.py", "seed_demo", "--force", "--password", password, "--customers", str(customers)]
    result = run_logged(cmd, env=env, log=log)
    result.update(customers=customers, migrate_seconds=migrate["seconds"], database=db.vendor)
    if result["returncode"]:
        result["error"] = f"seed_demo failed (see {log})"
    return result


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *, env: dict, workers: int, port: int, log: Path):
        self.port = port or free_port()
        self.host = f"http://127.0.0.1:{self.port}"
        self.log = log
        cmd = [
            PYTHON,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--error-logfile",
            str(log),
            "--log-level",
            "warning",
        ]
        # Django logs (e.g. "database is locked" behind a 503) go to the workers' stderr: keep them.
        with log.open("a", encoding="utf-8") as out:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.host + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        return False

    def worker_pids(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in children.split()]

    def worker_memory(self) -> dict:
        """VmHWM (peak resident set since the worker started) and VmRSS of every worker, in MB."""
        workers = {}
        for pid in self.worker_pids():
            try:
                fields = dict(
                    line.split(":", 1)
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if ":" in line
                )
            except OSError:
                continue
            workers[str(pid)] = {
                key: round(int(fields[field].split()[0]) / 1024, 1)
                for key, field in (("peak_rss_mb", "VmHWM"), ("rss_mb", "VmRSS"))
                if field in fields
            }
        return workers

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- load --------------------------------------------------------------------------------------


def run_scenario(name: str, *, args, warmup: float, host: str, env: dict, log: Path) -> dict:
    """One repetition of a scenario, after its warm-up, in a locust process of its own."""
    users = args.write_users if name in WRITE_SCENARIOS else args.users
    out = DATA_DIR / f"scenario-{name}.json"
    out.unlink(missing_ok=True)
    cmd = [
        PYTHON,
        "-m",
        "bench.load",
        "--scenario",
        name,
        "--host",
        host,
        "--users",
        str(users),
        "--warmup",
        str(warmup),
        "--duration",
        str(args.duration),
        "--repetitions",
        "1",
        "--out",
        str(out),
    ]
    budget = warmup + args.duration + 180
    status = run_logged(cmd, env=env, log=log, timeout=budget)
    if not out.exists():
        return {"scenario": name, "users": users, "measured": False, "reason": f"load run failed (see {log})"}
    result = json.loads(out.read_text())
    result["load_process"] = status
    return result


def add_round(rounds: dict | None, raw: dict) -> dict:
    """The scenario's results so far with one more round's: its repetition, or why it was not measured."""
    if rounds is None:
        rounds = dict(raw, repetitions=[], warmups=[], rounds_not_measured=[])
        rounds.pop("warmup", None)
    rounds["warmups"].append(raw.get("warmup") or {})
    if raw.get("measured"):
        rounds["repetitions"].extend(raw["repetitions"])
        rounds["measured"], rounds["reason"] = True, ""
    else:
        rounds["repetitions"].append({})
        rounds["rounds_not_measured"].append(raw.get("reason", ""))
    return rounds


def summarise(result: dict) -> dict:
    """Medians over the repetitions of the scenario's main request (and its other requests)."""
    summary = {
        "measured": result.get("measured", False),
        "reason": result.get("reason", ""),
        "users": result.get("users"),
    }
    reps = result.get("repetitions") or []
    names = sorted({n for rep in reps for n in rep} - {"sign in"})
    requests = {}
    for name in names:
        per = [rep[name] for rep in reps if name in rep]
        medians = [r["median_ms"] for r in per if r["median_ms"] is not None]
        p95s = [r["p95_ms"] for r in per if r["p95_ms"] is not None]
        requests[name] = {
            "median_ms": round(statistics.median(medians), 2) if medians else None,
            "p95_ms": round(statistics.median(p95s), 2) if p95s else None,
            "rps": round(statistics.median(r["rps"] for r in per), 1),
            "requests": sum(r["requests"] for r in per),
            "errors": sum(r["errors"] for r in per),
            "median_ms_by_repetition": medians,
            "failures": _merge(r["failures"] for r in per),
            "statuses": _merge(r["statuses"] for r in per),
        }
    summary["by_request"] = requests
    main = requests.get(result.get("primary", ""), {})
    for key in ("median_ms", "p95_ms", "rps", "requests", "errors"):
        summary[key] = main.get(key)
    # Per round, None where that round measured nothing: the ratios pair rounds, not medians.
    summary["median_ms_by_round"] = [(rep.get(result.get("primary")) or {}).get("median_ms") for rep in reps]
    return summary


def _merge(dicts) -> dict:
    merged = {}
    for d in dicts:
        for k, v in d.items():
            merged[k] = merged.get(k, 0) + v
    return merged


# --- report ------------------------------------------------------------------------------------


def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None


def verdict(value, limit, *, below=True, strict=False):
    if value is None:
        return "n/a"
    if strict:
        ok = value < limit if below else value > limit
    else:
        ok = value <= limit if below else value >= limit
    return "PASS" if ok else "MISS"


RATIOS = [
    ("list_page1_over_healthz", "list_page1", "healthz"),
    ("list_deep_page_over_healthz", "list_deep_page", "healthz"),
    ("list_search_over_healthz", "list_search", "healthz"),
    ("list_search_first_over_healthz", "list_search_first", "healthz"),
    ("list_filter_over_healthz", "list_filter", "healthz"),
    ("list_deep_page_over_list_page1", "list_deep_page", "list_page1"),
    ("list_search_over_list_page1", "list_search", "list_page1"),
    ("admin_changelist_over_list_page1", "admin_changelist", "list_page1"),
]


def round_ratios(s: dict, over: str, under: str) -> list:
    """over / under within each round: both measured minutes apart at most, whatever the machine's drift."""
    a = (s.get(over) or {}).get("median_ms_by_round") or []
    b = (s.get(under) or {}).get("median_ms_by_round") or []
    return [ratio(x, y) for x, y in zip(a, b, strict=False)]


def compute_ratios(s: dict) -> dict:
    """Each ratio is the median of its per-round ratios (with one round: that round's)."""
    ratios, by_round = {}, {}
    for key, over, under in RATIOS:
        by_round[key] = rounds = round_ratios(s, over, under)
        paired = [r for r in rounds if r is not None]
        ratios[key] = round(statistics.median(paired), 2) if paired else None
    write = s.get("confirm_post") or {}
    posts = (write.get("requests") or 0) + (write.get("errors") or 0)
    ratios["write_errors"] = write.get("errors") if write.get("measured") else None
    ratios["write_error_rate"] = (
        round(write["errors"] / posts, 4) if write.get("measured") and posts else None
    )
    ratios["by_round"] = by_round
    return ratios


def compute_targets(results: dict) -> list[dict]:
    r, s, vendor = results["ratios"], results["scenarios"], results["meta"]["database"]
    write = s.get("confirm_post") or {}
    seeds = results["seed"]["runs"]
    seed_peak = max((x.get("peak_rss_mb") or 0 for x in seeds if x.get("returncode") == 0), default=None)
    targets = []

    def add(name, value, limit, unit="", **kw):
        targets.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "unit": unit,
                "result": verdict(value, limit, **kw),
            }
        )

    for key, label in (
        ("list_page1_over_healthz", "list page 1 / healthz"),
        ("list_deep_page_over_healthz", "list deep page / healthz"),
        ("list_search_over_healthz", "list search / healthz"),
        ("list_search_first_over_healthz", "list search, first time / healthz"),
        ("list_filter_over_healthz", "list status filter / healthz"),
    ):
        add(label, r[key], LIST_OVER_HEALTHZ_MAX, "x")
    add("list deep page / page 1", r["list_deep_page_over_list_page1"], DEEP_OVER_PAGE1_MAX, "x")
    add("admin changelist / list page 1", r["admin_changelist_over_list_page1"], ADMIN_OVER_LIST_MAX, "x")
    clients = write.get("users") or results["meta"]["write_users"]
    add(f"confirmation POST errors at {clients} clients ({vendor})", r["write_errors"], 0)
    if vendor == "sqlite":
        add(
            "confirmation POSTs per second (SQLite)",
            write.get("rps") if write.get("measured") else None,
            SQLITE_MIN_CONFIRMATIONS_PER_SECOND,
            "/s",
            below=False,
        )
    add(
        "gunicorn worker peak RSS",
        results["memory"].get("worker_peak_rss_mb"),
        WORKER_RSS_MAX_MB,
        "MB",
        strict=True,
    )
    add("seed_demo peak RSS", seed_peak, SEED_RSS_MAX_MB, "MB", strict=True)
    flat = results["seed"].get("growth_mb")
    add("seed peak RSS growth, small → full size", flat, results["seed"].get("flat_limit_mb"), "MB")
    uses = (results.get("explain") or {}).get("uses_index_for_search")
    if uses is not None:
        targets.append(
            {
                "target": "company-name search uses an index (EXPLAIN)",
                "value": uses,
                "limit": True,
                "unit": "",
                "result": "n/a" if uses is None else ("PASS" if uses else "MISS"),
            }
        )
    return targets


def fmt(value, digits=1):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_report(results: dict):
    meta = results["meta"]
    print()
    print(
        f"Accord benchmark — {meta['date']} — {meta['database']} — "
        f"{meta['customers_in_database']} customers — "
        f"{meta['cpu_count']} cores ({meta.get('cpu_model', 'CPU unknown')}; a reference loop of"
        f" {CPU_REFERENCE_ADDITIONS:,} additions in {fmt(meta.get('cpu_reference_ms'))} ms) — "
        f"{meta['users']} read / {meta['write_users']} write clients — "
        f"{meta['repetitions']} rounds × {meta['duration']} s per scenario, after a "
        f"{meta['warmup']} s warm-up ({min(meta['warmup'], LATER_ROUND_WARMUP_S)} s in later rounds)"
    )
    columns = (("scenario", "<18"), ("path", "<52"), ("users", ">5"), ("median ms", ">10"), ("p95 ms", ">9"))
    header = " ".join(format(name, spec) for name, spec in columns) + f" {'req/s':>8} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for name, path, _who in SCENARIOS:
        s = results["scenarios"].get(name)
        if s is None:
            continue
        shown = path.format(deep_page=meta.get("deep_page"), search=meta.get("search"))
        if not s["measured"]:
            print(f"{name:<18} {shown:<52} {fmt(s['users']):>5}   NOT MEASURED: {s['reason'][:100]}")
            continue
        print(
            f"{name:<18} {shown:<52} {s['users']:>5} {fmt(s['median_ms'], 2):>10} {fmt(s['p95_ms'], 2):>9} "
            f"{fmt(s['rps']):>8} {s['errors']:>7}"
        )
        for request, r in s["by_request"].items():
            if request != results["scenarios_primary"].get(name):
                print(
                    f"{'  └ ' + request:<71} {fmt(r['median_ms'], 2):>10} {fmt(r['p95_ms'], 2):>9} "
                    f"{fmt(r['rps']):>8} {r['errors']:>7}"
                )
        failures = {k: v for req in s["by_request"].values() for k, v in req["failures"].items()}
        for reason, count in list(failures.items())[:3]:
            print(f"{'':<20}{count} × {reason[:110]}")
    print()
    shown = {k: v for k, v in results["ratios"].items() if k != "by_round"}
    print("Ratios (median of the rounds' ratios): " + ", ".join(f"{k} {fmt(v, 2)}" for k, v in shown.items()))
    for key, rounds in (results["ratios"].get("by_round") or {}).items():
        if rounds:
            print(f"  {key} by round: {', '.join(fmt(r, 2) for r in rounds)}")
    mem = results["memory"]
    print(
        f"gunicorn worker peak RSS: {fmt(mem.get('worker_peak_rss_mb'))} MB "
        f"(per worker: {mem.get('workers_final')})"
    )
    for run in results["seed"]["runs"]:
        print(
            f"seed_demo --customers {run['customers']}: {fmt(run.get('seconds'))} s, peak RSS "
            f"{fmt(run.get('peak_rss_mb'))} MB{'  ERROR: ' + run['error'] if run.get('error') else ''}"
        )
    if results["server_log"]["database_is_locked"] or results["server_log"]["tracebacks"]:
        print(
            f"server log: {results['server_log']['tracebacks']} tracebacks, "
            f"{results['server_log']['database_is_locked']} × 'database is locked' "
            f"({results['server_log']['path']})"
        )
    explain = results.get("explain") or {}
    if meta["database"] == "sqlite" and explain:
        print("\nEXPLAIN QUERY PLAN of the list's search count:")
        print(explain.get("search_count", {}).get("plan", ""))
    if meta["database"] == "postgresql" and explain:
        print("\nEXPLAIN ANALYZE of the company-name search (customers_customer.company_name icontains):")
        print(explain.get("company_name_icontains", {}).get("plan", ""))
        print("\nEXPLAIN ANALYZE of the search made for the first time: its total (with its first page's ids")
        print("when it matches few):")
        print(explain.get("search_count", {}).get("plan", ""))
        print("\nEXPLAIN ANALYZE of that page's rows:")
        print(explain.get("search_rows", {}).get("plan", ""))
        print("\nEXPLAIN ANALYZE of the same page, the search remembered (from its first match):")
        print(explain.get("search_rows_remembered", {}).get("plan", ""))
    print("\nTargets (medians of the same run; a ratio is the median of its rounds' ratios):")
    for t in results["targets"]:
        print(
            f"  {t['result']:<5} {t['target']}: {fmt(t['value'], 2)} {t['unit']} (limit {fmt(t['limit'], 2)})"
        )
    not_measured = [n for n, s in results["scenarios"].items() if not s["measured"]]
    if not_measured:
        print(f"\nNot measured: {', '.join(not_measured)}")
    print(f"\nResults: {results['meta']['out']}")


def cpu_reference_ms() -> float:
    """Milliseconds this machine takes for a fixed pure-Python loop (median of five).

    The targets are ratios to /healthz, yet they move between machines of the same name
    (a page costs more Python than the floor does): this figure says which machine ran.
    """
    times = []
    for _ in range(5):
        start = time.perf_counter()
        total = 0
        for i in range(CPU_REFERENCE_ADDITIONS):
            total += i
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def machine() -> dict:
    info = {
        "cpu_count": os.cpu_count(),
        "cpu_reference_ms": cpu_reference_ms(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory_mb"] = int(mem) // 1024
    except OSError:
        pass
    return info


def git_revision() -> dict:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True)
        return {"commit": head.stdout.strip(), "uncommitted_changes": bool(dirty.stdout.strip())}
    except OSError:
        return {}


def scan_server_log(log: Path) -> dict:
    text = log.read_text(errors="replace") if log.exists() else ""
    return {
        "path": str(log),
        "tracebacks": text.count("Traceback (most recent call last)"),
        "database_is_locked": text.count("database is locked"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report:
        print_report(json.loads(Path(args.report).read_text()))
        return 0
    DATA_DIR.mkdir(exist_ok=True)
    (DATA_DIR / ".gitignore").write_text("*\n")
    run_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d%H%M%S")
    logs = {name: DATA_DIR / f"{name}.log" for name in ("seed", "server", "load")}
    for log in logs.values():
        log.write_text("")
    source_url = os.environ.get("DATABASE_URL", "")
    main_db = Database(source_url=source_url, name="main", pg_database=args.pg_database)
    load_before = os.getloadavg()
    # Before anything runs: the reference loop times the machine, not the run's leftovers.
    machine_info = machine()
    started = time.monotonic()
    print(f"Benchmark database: {main_db.vendor} {main_db.name}; logs in {DATA_DIR}", flush=True)

    # 1. Seed: the small size in a scratch database, then the full size in the benchmark's database.
    seed_runs = []
    if args.seed_small and not args.reuse_db and 0 < args.seed_small < args.customers:
        small = Database(source_url=source_url, name="small", pg_database=args.pg_database)
        print(f"Seeding {args.seed_small} customers (scratch database, memory comparison)…", flush=True)
        seed_runs.append(
            seed(
                small,
                customers=args.seed_small,
                password=args.password,
                env=server_env(small.url, run_id),
                log=logs["seed"],
            )
        )
        small.drop()
    env = server_env(main_db.url, run_id)
    if args.reuse_db and main_db.exists_with_data():
        print("Reusing the seeded benchmark database (migrate only)…", flush=True)
        run_logged([PYTHON, "manage.py", "migrate", "--noinput"], env=env, log=logs["seed"])
    else:
        print(f"Seeding {args.customers} customers…", flush=True)
        seed_runs.append(
            seed(main_db, customers=args.customers, password=args.password, env=env, log=logs["seed"])
        )
        if seed_runs[-1].get("error"):
            print(f"Seeding failed: {seed_runs[-1]['error']}", file=sys.stderr)
            return 1
    for run in seed_runs:
        print(
            f"  {run['customers']} customers: {run.get('seconds')} s, peak RSS {run.get('peak_rss_mb')} MB",
            flush=True,
        )

    # 2. What the load needs: tenants, an API token; the query plans.
    config_path = DATA_DIR / "config.json"
    prepare = run_logged(
        [
            PYTHON,
            "-m",
            "bench.prepare",
            "--out",
            str(config_path),
            "--search",
            args.search,
            "--deep-page",
            str(args.deep_page),
            "--password",
            args.password,
            "--write-users",
            str(args.write_users),
        ],
        env=env,
        log=logs["seed"],
    )
    if prepare["returncode"]:
        print(f"bench.prepare failed (see {logs['seed']})", file=sys.stderr)
        return 1
    config = json.loads(config_path.read_text())

    # 3. Serve.
    print(f"Starting gunicorn ({args.workers} workers)…", flush=True)
    server = Server(env=env, workers=args.workers, port=args.port, log=logs["server"])
    scenarios, memory_after = {}, {}
    try:
        if not server.wait_ready():
            print(f"gunicorn did not answer /healthz (see {logs['server']})", file=sys.stderr)
            return 1
        load_env = dict(env, BENCH_CONFIG=str(config_path), BENCH_RUN_ID=run_id)
        # 4. Load, one scenario at a time, in rounds: every round runs each scenario once, so that
        # a ratio compares figures taken minutes apart at most (the machine's speed drifts).
        raws = {}
        for round_no in range(1, args.repetitions + 1):
            print(f"Round {round_no} of {args.repetitions}:", flush=True)
            warmup = args.warmup if round_no == 1 else min(args.warmup, LATER_ROUND_WARMUP_S)
            for name in args.scenario_names:
                if round_no > 1 and not raws[name]["measured"]:
                    continue  # nothing to measure (e.g. a 404 in round 1): not again
                print(f"  {name}…", end=" ", flush=True)
                # The round tells list_search_first which search texts are its own.
                round_env = dict(load_env, BENCH_ROUND=str(round_no), BENCH_ROUNDS=str(args.repetitions))
                raw = run_scenario(
                    name, args=args, warmup=warmup, host=server.host, env=round_env, log=logs["load"]
                )
                raws[name] = add_round(raws.get(name), raw)
                memory_after[name] = server.worker_memory()
                done = (raw.get("repetitions") or [{}])[0].get(raw.get("primary"), {})
                if raw.get("measured"):
                    print(
                        f"median {fmt(done.get('median_ms'), 2)} ms, {fmt(done.get('rps'))} req/s, "
                        f"{done.get('errors')} errors",
                        flush=True,
                    )
                else:
                    print(f"not measured: {raw.get('reason', '')[:160]}", flush=True)
        for name, raw in raws.items():
            scenarios[name] = summary = summarise(raw)
            summary["primary"] = raw.get("primary")
            summary["raw"] = raw
        workers_final = server.worker_memory()
    finally:
        server.stop()

    peaks = [w["peak_rss_mb"] for w in workers_final.values() if "peak_rss_mb" in w]
    seed_ok = [r for r in seed_runs if r.get("returncode") == 0]
    growth = limit = None
    if len(seed_ok) == 2:
        small_peak, full_peak = seed_ok[0]["peak_rss_mb"], seed_ok[1]["peak_rss_mb"]
        growth = round(full_peak - small_peak, 1)
        limit = round(max(SEED_FLAT_MIN_SLACK_MB, SEED_FLAT_MAX_GROWTH * small_peak), 1)
    results = {
        "meta": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            **machine_info,
            **git_revision(),
            "database": main_db.vendor,
            "database_name": main_db.name,
            "customers_seeded": args.customers,
            "customers_in_database": config.get("customers"),
            "customers_confirmed": config.get("customers_confirmed"),
            "deep_page": config.get("deep_page"),
            "last_page": config.get("last_page"),
            "search": args.search,
            "users": args.users,
            "write_users": args.write_users,
            "workers": args.workers,
            "warmup": args.warmup,
            "duration": args.duration,
            "repetitions": args.repetitions,
            "quick": args.quick,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "wall_seconds": round(time.monotonic() - started, 1),
            "api_token_error": config.get("token_error"),
            "out": args.out,
        },
        "seed": {"runs": seed_runs, "growth_mb": growth, "flat_limit_mb": limit},
        "scenarios": scenarios,
        "scenarios_primary": {name: s.get("primary") for name, s in scenarios.items()},
        "memory": {
            "worker_peak_rss_mb": max(peaks) if peaks else None,
            "workers_final": workers_final,
            "workers_after_scenario": memory_after,
            "bench_process_children_max_rss_mb": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
            ),
        },
        "explain": config.get("explain"),
        "server_log": scan_server_log(logs["server"]),
    }
    results["ratios"] = compute_ratios(scenarios)
    results["targets"] = compute_targets(results)
    Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print_report(results)
    return 0
