"""`manage.py serve [addrport]`: the development server and the background-job consumer together.

What `make run` starts. The consumer is `manage.py run_huey`, a child process with the same
environment; the web server is Django's `runserver` (with the static files and the options it
always has: --noreload, --nothreading, --ipv6). Ctrl-C or SIGTERM stops both. On Linux the
consumer and the auto-reloader's child are also told by the kernel to stop if this process dies
without cleaning up (SIGKILL, a crash), so nothing is left behind. If the consumer stops on its
own, a message on stderr says so; the web server goes on, without background jobs.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.utils import autoreload

# How long the consumer may finish its running jobs after Ctrl-C before it is told to quit now.
GRACEFUL_SECONDS = 5
KILL_AFTER_SECONDS = 3


def _die_with_parent(parent: int) -> None:
    """Ask Linux to send this process SIGTERM when its parent dies, whatever the cause; and
    let SIGINT stop it even when `serve` was started with SIGINT ignored (by `nohup`, or as a
    background job of a script): stopping the consumer gently is a SIGINT (`stop`)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if sys.platform != "linux":
        return
    try:
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # The parent died before the request took effect.
        os.kill(os.getpid(), signal.SIGTERM)


def _exit_on_sigterm(signum, frame):
    sys.exit(0)


class JobConsumer:
    """The `manage.py run_huey` child process, watched from a thread."""

    def __init__(self, *, stdout, stderr, style):
        self.stdout, self.stderr, self.style = stdout, stderr, style
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def command(self) -> list[str]:
        return [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_huey"]

    def start(self) -> None:
        command = self.command()
        environment = {k: v for k, v in os.environ.items() if k != autoreload.DJANGO_AUTORELOAD_ENV}
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and manage.py)
            command,
            env=environment,
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),
        )
        self.stdout.write(
            f"Background jobs: the Huey consumer (manage.py run_huey) runs as process "
            f"{self.process.pid}."
        )
        threading.Thread(target=self._watch, name="serve-consumer-watch", daemon=True).start()

    def _watch(self) -> None:
        code = self.process.wait()
        if self.stopping.is_set():
            return
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        self.stderr.write(
            self.style.ERROR(
                f"\nThe background-job consumer (manage.py run_huey, process {self.process.pid}) "
                f"{how}: background jobs are NOT running now. The web server goes on; see the "
                "consumer's messages above, then restart `make run`.\n"
            )
        )

    def stop(self) -> None:
        """Ask the consumer to finish (SIGINT, as Ctrl-C), then insist (SIGTERM, SIGKILL)."""
        self.stopping.set()
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig, seconds in (
            (signal.SIGINT, GRACEFUL_SECONDS),
            (signal.SIGTERM, KILL_AFTER_SECONDS),
            (signal.SIGKILL, None),
        ):
            try:
                process.send_signal(sig)
            except ProcessLookupError:
                return
            try:
                process.wait(timeout=seconds)
                return
            except subprocess.TimeoutExpired:
                continue


class Command(RunserverCommand):
    help = (
        "Start the development web server (runserver, with the same options) and the "
        "background-job consumer (manage.py run_huey) together; Ctrl-C or SIGTERM stops both."
    )

    def handle(self, *args, **options):
        if os.environ.get(autoreload.DJANGO_AUTORELOAD_ENV) == "true":
            # The auto-reloader's child, which serves the pages: the consumer is its parent's.
            # Django's reloader would leave it serving if the parent were killed outright.
            _die_with_parent(os.getppid())
            return super().handle(*args, **options)
        consumer = JobConsumer(stdout=self.stdout, stderr=self.stderr, style=self.style)
        # Without the auto-reloader nothing would turn SIGTERM into a clean exit.
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            consumer.start()
            super().handle(*args, **options)
        finally:
            consumer.stop()
            signal.signal(signal.SIGTERM, previous)
