"""Run one scenario with locust's library API: sign in, warm up, then timed repetitions.

    python -m bench.load --scenario list_page1 --host http://127.0.0.1:8000 --users 4 \
        --warmup 5 --duration 10 --repetitions 3 --out result.json

Locust generates the load (closed loop, no think time); every response time is
also recorded here, unrounded, so that medians of a few milliseconds compare
fairly. Writes a JSON summary to --out. `python -m bench` calls this once per
scenario, in its own process, against the gunicorn it started.
"""

# locust first: it monkey-patches the standard library for gevent.
import locust  # noqa: F401, I001
import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict

import gevent
from locust import events
from locust.env import Environment

from bench import locustfile


class Recorder:
    """Every request's outcome, by request name, since the last reset."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.started = time.monotonic()
        self.times = defaultdict(list)
        self.failures = defaultdict(Counter)
        self.statuses = defaultdict(Counter)

    def on_request(
        self, request_type, name, response_time, response_length, response=None, exception=None, **kw
    ):
        status = getattr(response, "status_code", None) or 0
        self.statuses[name][status] += 1
        if exception is not None:
            self.failures[name][str(exception)[:200]] += 1
        else:
            self.times[name].append(response_time)

    def summary(self) -> dict:
        elapsed = time.monotonic() - self.started
        names = set(self.times) | set(self.failures)
        return {
            name: _summarise(self.times[name], self.failures[name], self.statuses[name], elapsed)
            for name in names
        }


def _summarise(times: list[float], failures: Counter, statuses: Counter, elapsed: float) -> dict:
    ok = sorted(times)
    result = {
        "requests": len(ok),
        "errors": sum(failures.values()),
        "seconds": round(elapsed, 2),
        "rps": round(len(ok) / elapsed, 1) if elapsed else 0.0,
        "median_ms": None,
        "p95_ms": None,
        "mean_ms": None,
        "max_ms": None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "failures": dict(failures.most_common(5)),
    }
    if ok:
        result["median_ms"] = round(statistics.median(ok), 2)
        result["p95_ms"] = round(ok[min(len(ok) - 1, int(0.95 * len(ok)))], 2)
        result["mean_ms"] = round(statistics.fmean(ok), 2)
        result["max_ms"] = round(ok[-1], 2)
    return result


def run(*, scenario: str, host: str, users: int, warmup: float, duration: float, repetitions: int) -> dict:
    user_class = locustfile.SCENARIOS[scenario]
    env = Environment(user_classes=[user_class], host=host, events=events)
    recorder = Recorder()
    env.events.request.add_listener(recorder.on_request)
    runner = env.create_local_runner()
    result = {
        "scenario": scenario,
        "primary": user_class.primary,
        "users": users,
        "measured": False,
        "reason": "",
        "warmup": {},
        "repetitions": [],
    }
    runner.start(users, spawn_rate=users)
    try:
        if user_class.username:
            deadline = time.monotonic() + 120
            while (
                sum(locustfile.sign_ins[k] for k in ("done", "failed")) < users
                and time.monotonic() < deadline
            ):
                gevent.sleep(0.1)
            result["sign_ins"] = dict(locustfile.sign_ins)
            if locustfile.sign_ins["done"] == 0:
                result["reason"] = "; ".join(locustfile.sign_ins["reasons"]) or "sign-in did not finish"
                return result
        recorder.reset()
        gevent.sleep(warmup)
        result["warmup"] = recorder.summary()
        primary = result["warmup"].get(user_class.primary)
        if not primary or primary["requests"] == 0:
            # Nothing succeeded: a page that does not exist yet (404), a crash (500), ...
            seen = (primary or {}).get("statuses") or {}
            failures = (primary or {}).get("failures") or {}
            result["reason"] = f"no successful response in the warm-up; statuses {seen}; {failures}"
            return result
        for _ in range(repetitions):
            recorder.reset()
            gevent.sleep(duration)
            result["repetitions"].append(recorder.summary())
        result["measured"] = True
        return result
    finally:
        runner.quit()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True, choices=sorted(locustfile.SCENARIOS))
    parser.add_argument("--host", required=True)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    result = run(
        scenario=args.scenario,
        host=args.host,
        users=args.users,
        warmup=args.warmup,
        duration=args.duration,
        repetitions=args.repetitions,
    )
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
