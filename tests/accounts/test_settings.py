"""Settings from the environment (STYLE 6) and the deployment checklist."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-8f3a9c2e7d6b5a4f1e0d9c8b7a6f5e4d3c2b1a0",
    "DJANGO_SECURE_SSL": "1",
    "DJANGO_ALLOWED_HOSTS": "accord.example.com",
}


def _manage(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PORTAL_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_check_deploy_prints_no_warnings_with_debug_off():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_secret_key_is_required_with_debug_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("name, value", [("PORTAL_CLOUD", "mars"), ("PORTAL_ENVIRONMENT", "staging")])
def test_r10_r11_unknown_cloud_or_environment_is_refused(name, value):
    result = _manage("check", env={**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_database_is_tuned_for_a_web_server(settings):
    from django.db import connection

    config = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert config["OPTIONS"]["timeout"] >= 5
        assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    else:
        assert connection.vendor == "postgresql"
        assert config["CONN_HEALTH_CHECKS"] is True


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_env_example_copied_for_a_deployment_weakens_nothing():
    """Turned into a deployment's .env by setting DJANGO_DEBUG=0 (and a secret, which it must not
    supply), it keeps HTTPS, hashed static files and the deployment's own database."""
    example = _env_example()
    unsafe_to_copy = {"DJANGO_SECRET_KEY", "DJANGO_SECURE_SSL", "DJANGO_STATIC_MANIFEST", "DATABASE_URL"}
    assert unsafe_to_copy.isdisjoint(example)
    env = {
        **example,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": PRODUCTION_ENV["DJANGO_SECRET_KEY"],
        "DJANGO_ALLOWED_HOSTS": "accord.example.com",
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_env_example_names_every_setting_the_portal_reads():
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', (ROOT / "portal" / "settings.py").read_text()))
    documented = set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - documented == set()


def test_a_logged_error_says_when_how_bad_where_and_which_worker(portal_log):
    """Several app servers log to one place; a bare message cannot be traced to a request."""
    import logging

    logging.getLogger("django.request").error("Internal Server Error: %s", "/x")
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR django\.request \[\d+\] Internal Server Error: /x\n",
        portal_log.getvalue(),
    )


def test_a_rotated_secret_key_still_accepts_what_the_old_one_signed():
    """Sessions and signed messages outlive a key rotation while the old key is a fallback."""
    old, new = "old-" + "k" * 60, "new-" + "k" * 60
    sign = "from django.core import signing; print(signing.dumps('signed-in'))"
    signed = _manage("shell", "-c", sign, env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": old}).stdout.split()[-1]
    check = f"from django.core import signing; print(signing.loads({signed!r}))"
    rotated = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": new, "DJANGO_SECRET_KEY_FALLBACKS": old}
    assert _manage("shell", "-c", check, env=rotated).stdout.splitlines()[-1] == "signed-in"
    assert _manage("shell", "-c", check, env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": new}).returncode != 0


@pytest.fixture
def portal_log(settings):
    """The portal's logging as Django configures it at start-up, written to a string; restored after."""
    import io
    import logging

    from django.utils.log import configure_logging

    stream = io.StringIO()
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    handlers = {h for name in ("", "django", "django.request") for h in logging.getLogger(name).handlers}
    streams = {handler: handler.setStream(stream) for handler in handlers if hasattr(handler, "setStream")}
    yield stream
    for handler, original in streams.items():
        handler.setStream(original)
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@pytest.mark.parametrize("debug", [False, True])
def test_a_refused_request_is_one_log_line_and_a_server_error_keeps_its_traceback(
    settings, rf, debug, portal_log
):
    """A 403 or 404 is the client's doing; its traceback buried the real errors in the log. With
    DEBUG on, Django's own console handler printed every record a second time, unformatted."""
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.utils.log import log_response

    settings.DEBUG = debug
    for status, exception in ((403, PermissionDenied("no")), (500, RuntimeError("boom"))):
        try:
            raise exception
        except Exception as exc:
            log_response(
                "Status %s: %s",
                status,
                "/x",
                response=HttpResponse(status=status),
                request=rf.get("/x"),
                exception=exc,
            )
    forbidden, error = portal_log.getvalue().split("\n", 1)
    assert forbidden.endswith(f"WARNING django.request [{os.getpid()}] Status 403: /x")
    assert "Traceback" in error and "RuntimeError: boom" in error
    assert "PermissionDenied" not in portal_log.getvalue()
    assert portal_log.getvalue().count("Status 500: /x") == 1


@pytest.mark.parametrize(
    "days, lifetime", [(None, "90 days, 0:00:00"), ("30", "30 days, 0:00:00"), ("0", "None")]
)
def test_api_token_lifetime_is_read_from_the_environment(days, lifetime, monkeypatch):
    monkeypatch.delenv("API_TOKEN_TTL_DAYS", raising=False)
    shown = "from django.conf import settings; print(settings.REST_KNOX['TOKEN_TTL'])"
    env = {**PRODUCTION_ENV, **({"API_TOKEN_TTL_DAYS": days} if days is not None else {})}
    result = _manage("shell", "-c", shown, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == lifetime


def test_a_negative_api_token_lifetime_is_refused():
    result = _manage("check", env={**PRODUCTION_ENV, "API_TOKEN_TTL_DAYS": "-1"})
    assert result.returncode != 0
    assert "API_TOKEN_TTL_DAYS" in result.stderr
