"""The credential helper's small D-Bus client writes and reads what jeepney does.

jeepney (which keyring itself uses) is the reference: the same calls must
serialise to the same bytes, and replies it serialises must read back.
"""

from __future__ import annotations

import pytest
from jeepney import DBusAddress, new_method_call, new_method_return

from dtr_desktop.docker_config.dbus_wire import (
    Call,
    WireError,
    _method_call,
    _Reader,
    session_bus_socket,
)

SECRETS = "org.freedesktop.secrets"
COLLECTION = "/org/freedesktop/secrets/aliases/default"
SESSION = "/org/freedesktop/secrets/session/s7"
ITEM = "/org/freedesktop/secrets/collection/login/12"

CALLS = [
    ("org.freedesktop.DBus.Properties", "Get", "ss", ("o.f.S.Collection", "Locked")),
    (
        "org.freedesktop.Secret.Collection",
        "SearchItems",
        "a{ss}",
        ({"a": "b", "ü": ""},),
    ),
    ("org.freedesktop.Secret.Service", "OpenSession", "sv", ("plain", ("s", ""))),
    ("org.freedesktop.Secret.Service", "GetSecrets", "aoo", ([ITEM, ITEM], SESSION)),
    ("org.freedesktop.Secret.Session", "Close", "", ()),
]


@pytest.mark.parametrize(("interface", "member", "signature", "body"), CALLS)
def test_calls_serialise_as_jeepney_serialises_them(
    interface: str, member: str, signature: str, body: tuple[object, ...]
) -> None:
    ours = _method_call(
        Call(SECRETS, COLLECTION, f"{interface}.{member}", signature, body), 42
    )
    address = DBusAddress(COLLECTION, bus_name=SECRETS, interface=interface)
    theirs = new_method_call(address, member, signature, body).serialise(serial=42)
    assert ours == theirs


def read_reply(signature: str, body: tuple[object, ...]) -> tuple[object, ...]:
    address = DBusAddress(COLLECTION, bus_name=SECRETS, interface="x.y")
    call = new_method_call(address, "M")
    call.header.serial = 7
    data = new_method_return(call, signature, body).serialise(serial=9)
    reader = _Reader(data, "<")
    fields, end = reader.read_header()
    assert fields[5] == 7  # the serial it answers
    return _Reader(data, "<", end).read_body(signature)


def test_replies_read_back() -> None:
    secret = (SESSION, b"", "pässword 🔑".encode(), "text/plain")
    assert read_reply("a{o(oayays)}", ({ITEM: secret},)) == ({ITEM: secret},)
    assert read_reply("ao", ([ITEM, COLLECTION],)) == ([ITEM, COLLECTION],)
    assert read_reply("ao", ([],)) == ([],)
    assert read_reply("vo", (("s", ""), SESSION)) == ("", SESSION)
    assert read_reply("v", (("b", True),)) == (1,)
    assert read_reply("v", (("b", False),)) == (0,)


def test_a_short_message_is_refused() -> None:
    address = DBusAddress(COLLECTION, bus_name=SECRETS, interface="x.y")
    data = new_method_call(address, "M", "s", ("text",)).serialise(serial=1)
    reader = _Reader(data[:-3], "<")
    _, end = reader.read_header()
    with pytest.raises(WireError):
        _Reader(data[:-3], "<", end).read_body("s")


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("unix:path=/run/user/1000/bus", "/run/user/1000/bus"),
        ("unix:abstract=/tmp/dbus-x,guid=ab12", "\0/tmp/dbus-x"),
        ("tcp:host=127.0.0.1,port=1;unix:path=/b", "/b"),
    ],
)
def test_session_bus_addresses(address: str, expected: str) -> None:
    assert session_bus_socket(address) == expected


@pytest.mark.parametrize(
    "address", ["", "tcp:host=127.0.0.1,port=1", "unix:path=/a%20b"]
)
def test_other_bus_addresses_go_to_keyring(address: str) -> None:
    with pytest.raises(WireError):
        session_bus_socket(address)


def test_a_variant_of_two_values_is_refused() -> None:
    data = bytes([2]) + b"ss\0" + (1).to_bytes(4, "little") + b"a\0"
    with pytest.raises(WireError):
        _Reader(data, "<").read("v")
