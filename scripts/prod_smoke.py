#!/usr/bin/env python3
"""Production smoke check: the steps of docs/deploy.md, then a signed-in walk through the pages.

    .venv/bin/python scripts/prod_smoke.py [--keep]

In a temporary folder (a SQLite database, STATIC_ROOT, MEDIA_ROOT, the job queue file) it runs,
with DEBUG=0 and a real SECRET_KEY, what docs/deploy.md says to run once per release (migrate,
collectstatic, check --deploy) and once per installation (createsuperuser),
adds a company and a deal, starts gunicorn as docs/deploy.md starts it, signs in through the
login form (CSRF and all) and opens the home page, the company list, the company's page, the
board of the default pipeline, the reports and the first page of leads, cases, documents,
marketing, import, the recycle bin and Settings → Users. Every page must answer 200, and so
must every static file those pages (and their style sheets) name, by the hashed name from the
manifest.
Gunicorn is stopped whatever happens; the exit status is 0 only when everything held.

Plain HTTP, honestly: production settings redirect HTTP to HTTPS and mark cookies Secure. In
production nginx terminates TLS and tells Django so with `X-Forwarded-Proto: https`
(SECURE_PROXY_SSL_HEADER=1, docs/deploy.md step 3). This script plays nginx: it sends that
header, and keeps and returns cookies itself (a cookie jar would withhold Secure cookies from
an http:// address). Nothing in the production settings is turned off for the check.
"""

# ruff: noqa: S603 (the subprocesses are this virtualenv's python and gunicorn)

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
USERNAME = "smoke"
PASSWORD = secrets.token_urlsafe(16)
STARTUP_SECONDS = 30
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")

# Runs inside `manage.py shell`: a company and a deal of the superuser, then the addresses the
# walk opens, reversed by Django so that the script follows the URL configuration.
SEED = """
import json
from django.urls import reverse
from voronka.accounts.models import User
from voronka.contacts.services import company_create
from voronka.sales.models import Pipeline
from voronka.sales.services import deal_create

user = User.objects.get(username=%(username)r)
company = company_create(actor=user, data={"name": "ТОО «Проверка выпуска»"})
deal_create(actor=user, data={"name": "Пробная сделка", "company": company})
pipeline = Pipeline.objects.filter(is_active=True).order_by("order", "id").first()
print(json.dumps({
    "home": reverse("web:home"),
    "company list": reverse("contacts:company-list"),
    "company page": reverse("contacts:company-detail", args=[company.pk]),
    "board": reverse("sales:deal-board") + "?pipeline=%%d" %% pipeline.pk,
    "reports": reverse("reports:dashboard"),
    "leads": reverse("leads:lead-list"),
    "cases": reverse("service:case-list"),
    "documents": reverse("documents:list"),
    "marketing": reverse("marketing:dashboard"),
    "import": reverse("imports:start"),
    "recycle bin": reverse("administration:trash"),
    "users": reverse("staff:user-list"),
    "login": reverse("accounts:login"),
}))
"""


class SmokeFailure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(folder: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The check brings its own database, cache, queue and paths.
        if key not in {"DATABASE_URL", "REDIS_URL", "HUEY_REDIS_URL", "SECURE_SSL_REDIRECT"}
        and not key.startswith(("SESSION_COOKIE_", "CSRF_COOKIE_", "SECURE_HSTS"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        MAIL_SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER="1",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        HUEY_SQLITE=str(folder / "huey.sqlite3"),
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SmokeFailure(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return result.stdout


class Browser:
    """Just enough of a browser behind nginx: cookies, CSRF origin, X-Forwarded-Proto."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}
        self.set_cookie_lines: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"X-Forwarded-Proto": "https", "Accept-Language": "ru", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            self.set_cookie_lines.append(line)
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response, content

    def get(self, path: str):
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]):
        return self.request(
            "POST",
            path,
            body=urllib.parse.urlencode(fields).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            },
        )


def wait_for(server: subprocess.Popen, browser: Browser, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SmokeFailure(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            browser.get("/static/img/__ping__")
            return
        except OSError:
            time.sleep(0.2)
    raise SmokeFailure(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def sign_in(browser: Browser, login_path: str) -> None:
    response, content = browser.get(login_path)
    if response.status != 200:
        raise SmokeFailure(f"GET {login_path} answered {response.status}")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if token is None:
        raise SmokeFailure("the login page has no CSRF token")
    response, content = browser.post_form(
        login_path,
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": USERNAME,
            "password": PASSWORD,
        },
    )
    if response.status != 302:
        raise SmokeFailure(
            f"signing in answered {response.status} instead of a redirect:\n{content[:2000]!r}"
        )
    session = [line for line in browser.set_cookie_lines if line.startswith("sessionid=")]
    if not session or "Secure" not in session[-1] or "HttpOnly" not in session[-1]:
        raise SmokeFailure(f"the session cookie is not Secure and HttpOnly: {session}")


def static_references(content: bytes) -> set[str]:
    return {match.decode() for match in re.findall(rb'(?:src|href)="(/static/[^"?#]+)', content)}


def check_static(browser: Browser, paths: set[str]) -> int:
    """Every static file answers 200 under its hashed name; style sheets' url()s too."""
    seen: set[str] = set()
    queue = sorted(paths)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        if not HASHED.search(path):
            raise SmokeFailure(f"{path} is not a hashed name from the manifest")
        response, content = browser.get(path)
        if response.status != 200:
            raise SmokeFailure(f"GET {path} answered {response.status}")
        if path.endswith(".css"):
            for url in re.findall(rb"url\(\s*['\"]?([^'\")]+)", content):
                target = url.decode()
                if target.startswith(("data:", "#")):
                    continue
                joined = urllib.parse.urljoin(path, target.split("#")[0].split("?")[0])
                queue.append(joined)
    return len(seen)


def walk(browser: Browser, pages: dict[str, str]) -> None:
    references: set[str] = set()
    for name in (
        "home",
        "company list",
        "company page",
        "board",
        "reports",
        "leads",
        "cases",
        "documents",
        "marketing",
        "import",
        "recycle bin",
        "users",
    ):
        path = pages[name]
        response, content = browser.get(path)
        if response.status != 200:
            raise SmokeFailure(f"the {name} ({path}) answered {response.status}")
        if "script-src 'self'" not in (response.headers.get("Content-Security-Policy") or ""):
            raise SmokeFailure(f"the {name} ({path}) has no Content-Security-Policy for scripts")
        print(f"  200  {name:<13} {path}")
        references |= static_references(content)
    print(f"  200  {check_static(browser, references)} static files under their hashed names")


def run(keep: bool) -> None:
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="voronka-smoke-"))
    env = production_environment(folder)
    server = None
    try:
        print(f"Production smoke check in {folder}")
        # docs/deploy.md, step 4 (and createsuperuser, once per installation).
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "check", "--deploy", "--fail-level", "WARNING")
        manage(env, "createsuperuser", "--no-input", "--username", USERNAME, "--email", "s@x.kz")
        seeded = manage(env, "shell", "--no-imports", "-c", SEED % {"username": USERNAME})
        pages = json.loads(seeded.strip().splitlines()[-1])
        print(f"  ok   migrate, collectstatic, check --deploy ({time.monotonic() - started:.0f} s)")

        # docs/deploy.md, step 5 (two workers are enough here; no control socket, so that
        # several checks may run on one machine at once).
        port = free_port()
        log = folder / "gunicorn.log"
        with log.open("w") as log_file:
            server = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "60",
                    "--no-control-socket",
                ],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        browser = Browser(port)
        wait_for(server, browser, log)
        sign_in(browser, pages["login"])
        print(f"  ok   gunicorn on 127.0.0.1:{port}, signed in through the login form")
        walk(browser, pages)
        if server.poll() is not None:
            raise SmokeFailure(f"gunicorn stopped during the walk:\n{log.read_text()}")
        print(f"Production smoke check passed in {time.monotonic() - started:.0f} s")
    except SmokeFailure:
        if server is not None and (folder / "gunicorn.log").exists():
            print("--- gunicorn log ---", file=sys.stderr)
            print((folder / "gunicorn.log").read_text()[-5000:], file=sys.stderr)
        raise
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        if keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    arguments = parser.parse_args()
    try:
        run(arguments.keep)
    except SmokeFailure as failure:
        print(f"PRODUCTION SMOKE CHECK FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
