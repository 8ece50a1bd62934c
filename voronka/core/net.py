"""Outgoing connections to hosts a user typed (a mail server now, webhooks later).

A CRM that connects wherever a user points it can be made to reach the machines behind its
own firewall (the database, the cache, a cloud's metadata service). So every outgoing
connection resolves the host first, refuses private, loopback, link-local, multicast and
reserved addresses, and connects to the address it checked (not to the name again, which
could resolve elsewhere the second time). A system administrator allows a network on
purpose with OUTGOING_ALLOWED_NETWORKS (e.g. "10.0.0.0/8" for an office mail server).
"""

from __future__ import annotations

import ipaddress
import socket

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


def connect(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to a checked address of `host`."""
    address = resolve_allowed(host, port)
    return socket.create_connection((address, port), timeout=timeout)
