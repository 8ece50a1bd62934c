# ruff: noqa: S603 (the subprocesses are this interpreter running manage.py)
"""Background jobs: the daily exchange-rate job, `manage.py serve` (what `make run` starts) and a
consumer on Redis.

The rate job is run through Huey in immediate mode (conftest) with the bank's answer read from
the saved samples in tests/data/ (urlopen is patched, the network is never used). The other two
start real processes: the development server with its consumer, and `run_huey` on Redis (skipped
when Redis does not answer at 127.0.0.1:6379, unless REQUIRE_REDIS=1).
"""

import contextlib
import datetime
import http.client
import io
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from voronka.core import tasks
from voronka.core.models import ExchangeRate, RateSource
from voronka.core.rates import load_rates

DATA = Path(__file__).parent / "data"
NBK_DAY = datetime.date(2026, 11, 23)  # the date in nbk_rates.xml
CBR_DAY = datetime.date(2026, 11, 21)  # the date in cbr_xml_daily.xml
MANAGE = str(Path(django_settings.BASE_DIR) / "manage.py")
REDIS_URL = "redis://127.0.0.1:6379/15"


class FakeAnswer:
    """What urlopen returns: a context manager whose read() gives the body."""

    def __init__(self, content: bytes):
        self.content = content

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, limit: int = -1) -> bytes:
        return self.content if limit < 0 else self.content[:limit]


def answering(name: str):
    return mock.patch("urllib.request.urlopen", return_value=FakeAnswer((DATA / name).read_bytes()))


def today_is(day: datetime.date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def stored() -> list[tuple]:
    return list(
        ExchangeRate.objects.order_by("currency", "date").values_list(
            "currency", "date", "rate", "source"
        )
    )


@pytest.fixture
def rates_settings(settings):
    settings.VORONKA = {
        **settings.VORONKA,
        "BASE_CURRENCY": "KZT",
        "CURRENCIES": ["KZT", "USD", "EUR", "RUB", "CNY", "KRW"],
    }
    settings.RATES_SOURCE = "nbk"
    settings.RATES_HOUR = 9
    with translation.override("en"):
        yield settings


# --- the daily rate job -------------------------------------------------------------------------


@pytest.mark.django_db
def test_rate_job_loads_todays_rates_of_the_configured_feed(rates_settings):
    spy = mock.Mock(wraps=load_rates)
    with (
        today_is(NBK_DAY),
        answering("nbk_rates.xml") as urlopen,
        mock.patch.object(tasks, "load_rates", spy),
    ):
        tasks.load_daily_rates()  # immediate mode: runs now, as the consumer would
    spy.assert_called_once_with(source="nbk", on=None, content=None)
    assert "fdate=23.11.2026" in urlopen.call_args.args[0].full_url
    rows = stored()
    assert {currency for currency, *_ in rows} >= {"USD", "EUR", "RUB"}
    assert {(day, source) for _, day, _, source in rows} == {(NBK_DAY, RateSource.NBK)}


@pytest.mark.django_db
def test_rate_job_uses_the_source_setting(rates_settings):
    rates_settings.RATES_SOURCE = "cbr"
    spy = mock.Mock(wraps=load_rates)
    with (
        today_is(CBR_DAY),
        answering("cbr_xml_daily.xml"),
        mock.patch.object(tasks, "load_rates", spy),
    ):
        result = tasks.load_todays_rates()
    spy.assert_called_once_with(source="cbr", on=None, content=None)
    assert result.source == "cbr" and result.written > 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "feed",
    [
        mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("no route")),
        answering("nbk_bad_rate.xml"),
        answering("cbr_xml_daily.xml"),  # the other bank's answer: not the feed asked for
    ],
    ids=["unreachable", "malformed", "wrong-feed"],
)
def test_rate_job_survives_a_feed_error_and_keeps_the_last_good_rates(rates_settings, caplog, feed):
    with today_is(NBK_DAY), answering("nbk_rates.xml"):
        tasks.load_daily_rates()
    before = stored()
    assert before
    with caplog.at_level(logging.INFO, logger="voronka.jobs"), today_is(NBK_DAY), feed:
        tasks.load_daily_rates()  # no exception escapes to the consumer
        assert tasks.load_todays_rates() is None
    assert stored() == before
    errors = [r for r in caplog.records if r.name == "voronka.jobs" and r.levelno == logging.ERROR]
    assert errors
    assert "The last good rates are kept" in errors[0].getMessage()


@pytest.mark.django_db
def test_empty_source_turns_the_rate_job_off(rates_settings):
    rates_settings.RATES_SOURCE = ""
    with mock.patch.object(tasks, "load_rates") as loader:
        tasks.load_daily_rates()
    loader.assert_not_called()
    assert not tasks.rates_due(datetime.datetime(2026, 11, 23, 9, 0))


def test_rate_job_is_due_once_a_day_at_the_hour_of_the_server_time_zone(settings):
    settings.RATES_SOURCE = "nbk"
    settings.RATES_HOUR = 9
    settings.TIME_ZONE = "Asia/Almaty"  # UTC+5; Huey's scheduler gives naive UTC times
    utc = datetime.datetime(2026, 11, 23, 0, 0)
    due = [m for m in range(24 * 60) if tasks.rates_due(utc + datetime.timedelta(minutes=m))]
    assert due == [4 * 60]  # 04:00 UTC is 09:00 in Almaty
    settings.RATES_HOUR = 18
    assert tasks.rates_due(datetime.datetime(2026, 11, 23, 13, 0))
    # Registered as a periodic job with that test.
    assert tasks.load_daily_rates.task_class.validate_datetime(
        tasks.load_daily_rates.task_class(), datetime.datetime(2026, 11, 23, 13, 0)
    )


def test_ping_answers_pong():
    assert tasks.ping()() == "pong"


# --- processes ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def child_environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"HUEY_REDIS_URL", "REDIS_URL", "HUEY_IMMEDIATE", "HUEY_NAME", "RUN_MAIN"}
    }
    env |= {
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "HUEY_SQLITE": str(tmp_path / "huey.sqlite3"),
        "RATES_SOURCE": "",  # no bank is asked from a test
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def processes() -> dict[int, tuple[int, str, str]]:
    """pid → (parent pid, state, command line) of every process, read from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        found[int(entry.name)] = (int(ppid), state, cmdline)
    return found


def alive(pid: int) -> bool:
    info = processes().get(pid)
    return info is not None and info[1] != "Z"


def wait_until(condition, seconds: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/accounts/login/")
        return connection.getresponse().status in (200, 302)
    except OSError:
        return False
    finally:
        connection.close()


def kill_group(process: subprocess.Popen) -> None:
    """Leave nothing behind whatever happened: the test started the group, it ends it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_make_run_serves_pages_and_runs_the_consumer_until_ctrl_c(tmp_path):
    env = child_environment(tmp_path)
    subprocess.run(
        [sys.executable, MANAGE, "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=60,
    )
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, MANAGE, "serve", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a group of its own, so the test can clean up after a failure
        # As from a terminal, where Ctrl-C reaches it: a suite started in the background
        # (`make test &`) would hand SIGINT down ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    output = lambda: (tmp_path / "serve.log").read_text(errors="replace")  # noqa: E731
    try:
        # Generous upper bounds (the waits end as soon as it is up): on a loaded machine the
        # first start of Django and its consumer can take tens of seconds.
        assert wait_until(lambda: answers(port), 90), output()
        # The consumer starts next to the web server; stopping it before it is up is not the test.
        assert wait_until(lambda: "Huey consumer started" in output(), 60), output()
        consumers = [
            pid
            for pid, (ppid, state, cmdline) in processes().items()
            if ppid == serve.pid and "run_huey" in cmdline and state != "Z"
        ]
        assert len(consumers) == 1, output()
        consumer = consumers[0]
        group = [pid for pid in processes() if pid != serve.pid and os.getpgid(pid) == serve.pid]

        serve.send_signal(signal.SIGINT)  # what Ctrl-C sends
        # The consumer gets SIGINT, then SIGTERM after 5 s, SIGKILL after 3 more; the bound
        # is for a machine at a load average of 8, where a start-up alone takes seconds.
        serve.wait(timeout=120)
        assert wait_until(lambda: not alive(consumer), 20), output()
        assert not any(alive(pid) for pid in group), output()
        assert not answers(port)
        assert "Consumer exiting" in output()
    finally:
        kill_group(serve)
        log.close()


def test_serve_says_clearly_when_the_consumer_dies():
    from django.core.management.base import OutputWrapper
    from django.core.management.color import no_style

    from voronka.web.management.commands.serve import JobConsumer

    class Dying(JobConsumer):
        def command(self):
            return [sys.executable, "-c", "import sys; sys.exit(3)"]

    out, err = io.StringIO(), io.StringIO()
    consumer = Dying(stdout=OutputWrapper(out), stderr=OutputWrapper(err), style=no_style())
    consumer.start()
    assert wait_until(lambda: "exited with code 3" in err.getvalue(), 30)
    assert "background jobs are NOT running" in err.getvalue()
    consumer.stop()
    assert f"runs as process {consumer.process.pid}" in out.getvalue()


def test_stopping_serve_stops_a_running_consumer_without_a_message():
    from django.core.management.base import OutputWrapper
    from django.core.management.color import no_style

    from voronka.web.management.commands.serve import JobConsumer

    class Sleeping(JobConsumer):
        def command(self):
            return [sys.executable, "-c", "import time; time.sleep(60)"]

    err = io.StringIO()
    consumer = Sleeping(
        stdout=OutputWrapper(io.StringIO()), stderr=OutputWrapper(err), style=no_style()
    )
    consumer.start()
    started = time.monotonic()
    consumer.stop()  # SIGINT ends the sleeper (KeyboardInterrupt)
    assert consumer.process.poll() is not None
    # Not the sleeper's 60 s: stopped by SIGINT, or at worst by SIGTERM/SIGKILL after the
    # grace periods (a sleeper still starting on a loaded machine may miss the SIGINT).
    assert time.monotonic() - started < 30
    time.sleep(0.2)
    assert err.getvalue() == ""


@pytest.fixture
def redis_available():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.exceptions.RedisError as error:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at 127.0.0.1:6379 does not answer ({error}), and REQUIRE_REDIS=1")
        pytest.skip(
            f"Redis at 127.0.0.1:6379 does not answer ({error}); set REQUIRE_REDIS=1 to fail"
        )


def test_a_consumer_on_redis_runs_a_job_enqueued_by_another_process(tmp_path, redis_available):
    from huey import RedisHuey

    name = f"voronka-test-{uuid.uuid4().hex[:12]}"
    env = child_environment(tmp_path, HUEY_REDIS_URL=REDIS_URL, HUEY_NAME=name)
    log = (tmp_path / "consumer.log").open("wb")
    consumer = subprocess.Popen(
        # -n: no periodic jobs, so only what the test enqueues runs.
        [sys.executable, MANAGE, "run_huey", "-n", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = subprocess.run(
            [
                sys.executable,
                MANAGE,
                "shell",
                "-v",
                "0",
                "-c",
                "from voronka.core.tasks import ping; print(ping().get(blocking=True, timeout=60))",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=90,
        )
        consumer_log = (tmp_path / "consumer.log").read_text(errors="replace")
        assert client.returncode == 0, client.stderr + consumer_log
        assert client.stdout.strip().splitlines()[-1] == "pong", client.stdout + consumer_log
        assert consumer.poll() is None, consumer_log
        consumer.send_signal(signal.SIGINT)
        consumer.wait(timeout=30)
    finally:
        kill_group(consumer)
        log.close()
        RedisHuey(name, url=REDIS_URL).flush()
