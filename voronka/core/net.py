"""Outgoing connections to hosts a user typed (a mail server now, webhooks later).

A CRM that connects wherever a user points it can be made to reach the machines behind its
own firewall (the database, the cache, a cloud's metadata service). So every outgoing
connection resolves the host first, refuses private, loopback, link-local, multicast and
reserved addresses, and connects to the address it checked (not to the name again, which
could resolve elsewhere the second time). A system administrator allows a network on
purpose with OUTGOING_ALLOWED_NETWORKS (e.g. "10.0.0.0/8" for an office mail server).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class HostRefused(Exception):
    """The host cannot be connected to; the message says why in plain words."""


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for item in settings.VORONKA.get("OUTGOING_ALLOWED_NETWORKS", []):
        networks.append(ipaddress.ip_network(item, strict=False))
    return networks


def _plain(address: Address) -> Address:
    """An IPv4 address written as IPv6 (::ffff:127.0.0.1, or 6to4/NAT64 forms) is judged as
    the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.sixtofour is not None:
            return address.sixtofour
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def is_public(address: Address) -> bool:
    address = _plain(address)
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def is_allowed(address: Address) -> bool:
    if is_public(address):
        return True
    plain = _plain(address)
    return any(
        plain in network or address in network
        for network in allowed_networks()
        if network.version in (plain.version, address.version)
    )


def resolve_allowed(host: str, port: int) -> str:
    """The address to connect to for `host`, after checking every address it resolves to.

    Refuses (HostRefused) a host that does not resolve, or any of whose addresses is private,
    loopback, link-local, multicast or reserved and not allowed by the administrator."""
    host = (host or "").strip().strip("[]")
    if not host:
        raise HostRefused(_("No server address given."))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise HostRefused(_("The server name %(host)s is not found.") % {"host": host}) from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        text = str(sockaddr[0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not is_allowed(address):
            raise HostRefused(
                _(
                    "%(host)s is a private or local address (%(address)s): connections there "
                    "are not allowed."
                )
                % {"host": host, "address": address}
            )
        addresses.append(text)
    if not addresses:
        raise HostRefused(_("The server name %(host)s is not found.") % {"host": host})
    return addresses[0]


# Names that always mean a cloud's metadata service, whatever they resolve to on this machine.
METADATA_NAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "metadata.azure.com"}
)


def literal_address(host: str) -> Address | None:
    """The address a host written as a number means, in every spelling the C library accepts:
    dotted (127.0.0.1), decimal (2130706433), octal (0177.0.0.1), hex (0x7f000001), short
    (127.1), IPv6 (::1, ::ffff:127.0.0.1, [::ffff:7f00:1]); None for a name."""
    text = (host or "").strip().strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if not text or not all(c in "0123456789abcdefxABCDEFX." for c in text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def check_host(host: str, port: int) -> str:
    """resolve_allowed, plus what a name can hide: metadata service names are refused, and a
    numeric host is judged as the address it spells before anything is resolved."""
    name = (host or "").strip().strip("[]").rstrip(".").lower()
    if name in METADATA_NAMES or name.endswith(".internal"):
        raise HostRefused(
            _("%(host)s is a cloud metadata address: connections there are not allowed.")
            % {"host": host}
        )
    literal = literal_address(name)
    if literal is not None and not is_allowed(literal):
        raise HostRefused(
            _(
                "%(host)s is a private or local address (%(address)s): connections there "
                "are not allowed."
            )
            % {"host": host, "address": _plain(literal)}
        )
    return resolve_allowed(str(literal) if literal is not None else name, port)


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to a checked address of `host`."""
    address = check_host(host, port)
    return socket.create_connection((address, port), timeout=timeout)


@dataclass
class Reply:
    status: int
    body: str
    location: str = ""


def post(url: str, body: bytes, headers: dict[str, str], timeout: float = 10.0) -> Reply:
    """POST to an http(s) URL a user gave, on the checked address. Redirects are never
    followed: a 3xx comes back as it is (its target would be a host nobody checked)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HostRefused(_("Only http:// and https:// addresses can be called."))
    if parts.username or parts.password:
        raise HostRefused(_("An address with a user name or password is not allowed."))
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = check_host(host, port)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = _CheckedHTTPS(host, port, address, timeout)
    else:
        conn = _CheckedHTTP(host, port, address, timeout)
    try:
        conn.request("POST", path, body=body, headers={"Host": parts.netloc, **headers})
        response = conn.getresponse()
        text = response.read(64 * 1024).decode("utf-8", "replace")
        return Reply(response.status, text, response.getheader("Location") or "")
    finally:
        conn.close()


class _CheckedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=self.timeout)


class _CheckedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
