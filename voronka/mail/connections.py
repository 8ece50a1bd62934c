"""Connections to a mailbox's IMAP and SMTP servers, to checked addresses only.

Both connect to the address `core.net.resolve_allowed` checked (not to the name again), while
TLS still verifies the certificate against the name the user typed. Errors come back as
`MailServerError` with a sentence a person understands («the server refused the login»).
"""

from __future__ import annotations

import contextlib
import imaplib
import smtplib
import socket
import ssl
from collections.abc import Iterator

from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient import exceptions as imap_errors
from imapclient.imap4 import IMAP4WithTimeout
from imapclient.tls import IMAP4_TLS

from voronka.core import net

from . import crypto
from .models import Mailbox, Security

TIMEOUT = 30


class MailServerError(Exception):
    """What went wrong with a mail server, in plain words."""


def explain(error: BaseException, *, server: str) -> str:
    """A sentence for the mailbox's owner about what the server (or the way to it) said."""
    if isinstance(error, MailServerError):
        return str(error)
    if isinstance(error, net.HostRefused):
        return str(error)
    if isinstance(error, crypto.PasswordUnreadable):
        return _("The saved password cannot be read (the encryption key changed): enter it again.")
    if isinstance(error, imap_errors.LoginError | smtplib.SMTPAuthenticationError):
        answer = _answer(error)
        return _("%(server)s refused the login or the password: %(answer)s") % {
            "server": server,
            "answer": answer,
        }
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return _("Encryption with %(server)s failed: %(answer)s") % {
            "server": server,
            "answer": _answer(error),
        }
    if isinstance(error, socket.timeout | TimeoutError):
        return _("%(server)s did not answer in %(seconds)s seconds.") % {
            "server": server,
            "seconds": TIMEOUT,
        }
    if isinstance(error, ConnectionRefusedError):
        return _("%(server)s refused the connection: is the port right?") % {"server": server}
    if isinstance(error, socket.gaierror):
        return _("The server name %(host)s is not found.") % {"host": server}
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _("%(server)s refused the recipients: %(answer)s") % {
            "server": server,
            "answer": "; ".join(
                f"{address}: {_answer(reply)}" for address, reply in error.recipients.items()
            ),
        }
    if isinstance(error, smtplib.SMTPResponseException):
        return _("%(server)s answered: %(answer)s") % {"server": server, "answer": _answer(error)}
    if isinstance(error, imaplib.IMAP4.error | imap_errors.IMAPClientError):
        return _("%(server)s answered: %(answer)s") % {"server": server, "answer": _answer(error)}
    if isinstance(error, OSError):
        return _("Could not reach %(server)s: %(answer)s") % {
            "server": server,
            "answer": error.strerror or _answer(error),
        }
    return _("%(server)s: unexpected error (%(answer)s)") % {
        "server": server,
        "answer": _answer(error),
    }


def _answer(error) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, tuple) and len(error) == 2:
        code, message = error
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"{code} {text}"
    text = str(error).strip() or type(error).__name__
    return text[:300]


def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


class _PinnedIMAP4(IMAP4WithTimeout):
    def __init__(self, host: str, port: int, timeout: float, address: str) -> None:
        self._address = address
        super().__init__(host, port, timeout)

    def _create_socket(self, timeout=None):
        return socket.create_connection((self._address, self.port), timeout or self._timeout)


class _PinnedIMAP4TLS(IMAP4_TLS):
    def __init__(self, host, port, ssl_context, timeout, address: str) -> None:
        self._address = address
        super().__init__(host, port, ssl_context, timeout)

    def _create_socket(self, timeout=None):
        sock = socket.create_connection((self._address, self.port), timeout or self._timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class PinnedIMAPClient(IMAPClient):
    """IMAPClient that connects to an address checked by core.net."""

    def __init__(self, host: str, port: int, *, use_ssl: bool, address: str) -> None:
        self._address = address
        super().__init__(host, port=port, ssl=use_ssl, ssl_context=_tls_context(), timeout=TIMEOUT)

    def _create_IMAP4(self):
        if self.ssl:
            return _PinnedIMAP4TLS(self.host, self.port, self.ssl_context, TIMEOUT, self._address)
        return _PinnedIMAP4(self.host, self.port, TIMEOUT, self._address)


@contextlib.contextmanager
def imap(mailbox: Mailbox) -> Iterator[IMAPClient]:
    """A logged-in IMAP connection to the mailbox; MailServerError in plain words."""
    server = f"{mailbox.imap_host}:{mailbox.imap_port}"
    try:
        address = net.resolve_allowed(mailbox.imap_host, mailbox.imap_port)
        client = PinnedIMAPClient(
            mailbox.imap_host,
            mailbox.imap_port,
            use_ssl=mailbox.imap_security == Security.SSL,
            address=address,
        )
        if mailbox.imap_security == Security.STARTTLS:
            client.starttls(_tls_context())
        client.login(mailbox.imap_login, crypto.decrypt(mailbox.imap_password))
    except Exception as error:
        raise MailServerError(explain(error, server=server)) from error
    try:
        yield client
    finally:
        with contextlib.suppress(Exception):
            client.logout()


class _PinnedSMTP(smtplib.SMTP):
    def __init__(self, address: str, **kwargs) -> None:
        self._address = address
        super().__init__(**kwargs)

    def _get_socket(self, host, port, timeout):
        return socket.create_connection((self._address, port), timeout)


class _PinnedSMTPSSL(smtplib.SMTP_SSL):
    def __init__(self, address: str, **kwargs) -> None:
        self._address = address
        super().__init__(**kwargs)

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((self._address, port), timeout)
        return self.context.wrap_socket(sock, server_hostname=self._host)


@contextlib.contextmanager
def smtp(mailbox: Mailbox) -> Iterator[smtplib.SMTP]:
    """A connected (and, with a login, authenticated) SMTP session; MailServerError in plain
    words."""
    server = f"{mailbox.smtp_host}:{mailbox.smtp_port}"
    try:
        address = net.resolve_allowed(mailbox.smtp_host, mailbox.smtp_port)
        if mailbox.smtp_security == Security.SSL:
            session = _PinnedSMTPSSL(address, timeout=TIMEOUT, context=_tls_context())
        else:
            session = _PinnedSMTP(address, timeout=TIMEOUT)
        session.connect(mailbox.smtp_host, mailbox.smtp_port)
        session.ehlo()
        if mailbox.smtp_security == Security.STARTTLS:
            session.starttls(context=_tls_context())
            session.ehlo()
        if mailbox.smtp_login:
            session.login(mailbox.smtp_login, crypto.decrypt(mailbox.smtp_password))
    except Exception as error:
        raise MailServerError(explain(error, server=server)) from error
    try:
        yield session
    finally:
        with contextlib.suppress(Exception):
            session.quit()


def check(mailbox: Mailbox) -> list[tuple[str, bool, str]]:
    """«Check the connection»: for IMAP and SMTP, whether it worked and what the server said."""
    results = []
    try:
        with imap(mailbox) as client:
            folders = [name for _flags, _delimiter, name in client.list_folders()]
            welcome = client.welcome
            welcome = welcome.decode("utf-8", "replace") if isinstance(welcome, bytes) else welcome
            results.append(
                (
                    "IMAP",
                    True,
                    _("Connected and signed in. Folders: %(folders)s.")
                    % {"folders": ", ".join(str(f) for f in folders[:20])},
                )
            )
    except MailServerError as error:
        results.append(("IMAP", False, str(error)))
    try:
        with smtp(mailbox) as session:
            code, _message = session.noop()
            results.append(
                ("SMTP", True, _("Connected; the server is ready (%(code)s).") % {"code": code})
            )
    except MailServerError as error:
        results.append(("SMTP", False, str(error)))
    return results
