"""Outgoing connections reach public addresses only, unless an administrator allows a network."""

import socket

import pytest

from voronka.core import net


def resolving_to(monkeypatch, *addresses):
    def fake(host, port, type=0):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(net.socket, "getaddrinfo", fake)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.5",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "64:ff9b::a00:1",
    ],
)
def test_private_local_and_reserved_addresses_are_refused(monkeypatch, settings, address):
    settings.VORONKA = {**settings.VORONKA, "OUTGOING_ALLOWED_NETWORKS": []}
    resolving_to(monkeypatch, address)
    with pytest.raises(net.HostRefused):
        net.resolve_allowed("mail.example.com", 993)


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(monkeypatch, address):
    resolving_to(monkeypatch, address)
    assert net.resolve_allowed("mail.example.com", 993) == address


def test_one_private_address_among_public_ones_refuses_the_host(monkeypatch):
    resolving_to(monkeypatch, "8.8.8.8", "10.0.0.1")
    with pytest.raises(net.HostRefused):
        net.resolve_allowed("mail.example.com", 993)


def test_an_administrator_allows_a_network(monkeypatch, settings):
    settings.VORONKA = {**settings.VORONKA, "OUTGOING_ALLOWED_NETWORKS": ["10.0.0.0/8"]}
    resolving_to(monkeypatch, "10.1.2.3")
    assert net.resolve_allowed("mail.office.local", 993) == "10.1.2.3"
    resolving_to(monkeypatch, "192.168.1.1")
    with pytest.raises(net.HostRefused):
        net.resolve_allowed("mail.office.local", 993)


def test_an_unknown_host_is_said_so(monkeypatch):
    def fails(*args, **kwargs):
        raise socket.gaierror("nope")

    monkeypatch.setattr(net.socket, "getaddrinfo", fails)
    with pytest.raises(net.HostRefused, match=r"not found|не найден"):
        net.resolve_allowed("no-such-host.invalid", 993)


def test_loopback_by_name_is_refused_for_real():
    with pytest.raises(net.HostRefused):
        net.resolve_allowed("localhost", 25)
