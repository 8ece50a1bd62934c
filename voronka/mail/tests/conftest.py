"""Real mail servers for the mail tests: Debian's Dovecot (IMAP) on a free loopback port with
a temporary maildir, and aiosmtpd (SMTP) in a thread. CI requires Dovecot (REQUIRE_DOVECOT=1,
set by .ci/run, which installs it); a developer machine without it skips those tests with the
reason printed."""

from __future__ import annotations

import contextlib
import getpass
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest
from django.utils import timezone

DOVECOT = Path(os.environ.get("DOVECOT_PATH", "/usr/sbin/dovecot"))
PASSWORD = "test-pass-2026"
USERS = 400


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Dovecot stopped: {log.read_text() if log.exists() else ''}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError("Dovecot did not open its port in 20 s")


class Dovecot:
    """A running Dovecot; `add_user()` gives each test a mailbox of its own."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port, self.host = root, port, "127.0.0.1"
        self.users = root / "users"
        self.given = 0

    def add_user(self) -> str:
        """A user no other test has had. The users file is written once, before Dovecot
        starts: it notices a changed file by its time, to the second, so a user appended a
        moment after the last one could be missed."""
        self.given += 1
        if self.given >= USERS:
            raise RuntimeError("More Dovecot users wanted than the fixture made")
        return f"user{self.given}"

    def write_users(self) -> None:
        # Dovecot never keeps mail as root: as root, the mail belongs to its own user.
        entry = pwd.getpwnam(_mail_user())
        lines = [
            f"user{n}:{{PLAIN}}{PASSWORD}:{entry.pw_uid}:{entry.pw_gid}::"
            f"{self.root / 'home' / f'user{n}'}::\n"
            for n in range(USERS)
        ]
        self.users.write_text("".join(lines))

    def client(self, user: str):
        from imapclient import IMAPClient

        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(user, PASSWORD)
        return client

    def deliver(self, user: str, raw: bytes, *, folder: str = "INBOX", flags=()) -> None:
        with self.client(user) as client:
            client.append(folder, raw, flags=flags)

    def folder_messages(self, user: str, folder: str) -> list[bytes]:
        client = self.client(user)
        try:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            data = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [data[uid][b"BODY[]"] for uid in sorted(data)]
        finally:
            client.logout()


def _config(root: Path, port: int) -> str:
    user = getpass.getuser()
    # As root, Dovecot's unprivileged processes run as its own users (Debian creates them);
    # as anyone else, everything runs as that user.
    internal = "dovecot" if os.getuid() == 0 and _user_exists("dovecot") else user
    login = "dovenull" if os.getuid() == 0 and _user_exists("dovenull") else user
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {internal}
default_internal_group = {_group_of(internal)}
default_login_user = {login}
mail_location = maildir:~/Maildir
mail_plugins =
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = subscribe
  }}
}}
passdb {{
  driver = passwd-file
  args = {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
"""


def _mail_user() -> str:
    if os.getuid() == 0 and _user_exists("dovecot"):
        return "dovecot"
    return getpass.getuser()


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _group_of(name: str) -> str:
    import grp

    return grp.getgrgid(pwd.getpwnam(name).pw_gid).gr_name


@pytest.fixture(scope="session")
def dovecot():
    if not DOVECOT.exists():
        if os.environ.get("REQUIRE_DOVECOT") == "1":
            pytest.fail(f"Dovecot is required for the mail tests but {DOVECOT} is missing")
        pytest.skip(f"Dovecot is not installed at {DOVECOT} (apt-get install dovecot-imapd)")
    # Not pytest's tmp_path: its parents are private to the user, and Dovecot's own
    # processes (its unprivileged users, when run as root) must read the users file.
    root = Path(tempfile.mkdtemp(prefix="voronka-dovecot-"))
    for folder in ("run", "state", "home"):
        (root / folder).mkdir()
    os.chmod(root, 0o755)  # noqa: S103 (Dovecot's own users read the users file)
    os.chmod(root / "home", 0o777)  # noqa: S103 (and write the test users' mail)
    port = free_port()
    server = Dovecot(root, port)
    server.write_users()
    config = root / "dovecot.conf"
    config.write_text(_config(root, port))
    process = subprocess.Popen(  # noqa: S603 (a fixed binary with our own config file)
        [str(DOVECOT), "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_port(port, process, root / "dovecot.log")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        if os.environ.get("KEEP_DOVECOT") != "1":
            shutil.rmtree(root, ignore_errors=True)


class SmtpSink:
    """aiosmtpd's handler: keeps every envelope it was given."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, sink
    finally:
        controller.stop()


@pytest.fixture
def loopback_allowed(settings):
    """The administrator's allowance that lets the tests reach servers on this machine."""
    settings.VORONKA = {**settings.VORONKA, "OUTGOING_ALLOWED_NETWORKS": ["127.0.0.0/8", "::1/128"]}


def letter(
    *,
    sender: str = "client@example.com",
    sender_name: str = "Клиент",
    to: str = "manager@voronka.test",
    subject: str = "Вопрос по туру",
    body: str = "Здравствуйте!",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    date=None,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"{sender_name} <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="example.com")
    message["Date"] = format_datetime(date or timezone.now())
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(body)
    return message.as_bytes()
