"""Just enough of the D-Bus wire protocol for the credential helper's lookup.

Importing jeepney (with ``typing``, ``enum`` and its message classes) took
about a third of each ``docker-credential-dtr-desktop get``, longer than the
lookup itself. This module speaks the few messages the helper needs with
``socket`` and ``struct`` alone: it connects to the session bus named by
``DBUS_SESSION_BUS_ADDRESS`` (a plain ``unix:path`` or ``unix:abstract``
address), authenticates as the current user, greets the bus, and makes method calls
one at a time, returning each reply's values.

It marshals and reads the basic types, strings, object paths, signatures,
variants, arrays, structs and dict entries. Anything else — another kind of
address, an unknown type, an error reply, a message too large, a closed
socket, a timeout — raises ``WireError``; the helper then asks keyring,
which uses the full implementation.
"""

from __future__ import annotations

import os
import struct
import time

try:  # the socket type itself: ``socket`` adds enums (and ``enum``), ~3 ms
    from _socket import AF_UNIX, SOCK_STREAM
    from _socket import socket as _plain_socket
except ImportError:  # an interpreter without CPython's module
    from socket import AF_UNIX, SOCK_STREAM
    from socket import socket as _plain_socket  # type: ignore[assignment]

TYPE_CHECKING = False  # as typing.TYPE_CHECKING; importing typing costs ~4 ms
if TYPE_CHECKING:
    from typing import Any

BUS_NAME = "org.freedesktop.DBus"
BUS_PATH = "/org/freedesktop/DBus"
MAX_MESSAGE = 1 << 26  # the specification's limit is 128 MiB; ours is smaller

_METHOD_CALL, _METHOD_RETURN, _ERROR = 1, 2, 3
_PATH, _INTERFACE, _MEMBER, _ERROR_NAME, _REPLY_SERIAL = 1, 2, 3, 4, 5
_DESTINATION, _SIGNATURE = 6, 8
_FIXED = {"y": "B", "b": "I", "n": "h", "q": "H", "i": "i", "u": "I"}
_FIXED |= {"x": "q", "t": "Q", "d": "d"}
_ALIGN = {"y": 1, "g": 1, "v": 1, "n": 2, "q": 2, "x": 8, "t": 8, "d": 8}
_ALIGN |= {"(": 8, "{": 8}  # the rest (b, i, u, s, o, a) align to 4


class WireError(Exception):
    """The bus or the reply is not what this small client handles."""


class Call:
    """One method call: where it goes, which method (``interface.Member``), its body."""

    def __init__(
        self,
        destination: str,
        path: str,
        method: str,
        signature: str = "",
        body: tuple[object, ...] = (),
    ) -> None:
        self.destination = destination
        self.path = path
        self.interface, _, self.member = method.rpartition(".")
        self.signature = signature
        self.body = body


def session_bus_socket(address: str | None = None) -> str:
    """The session bus's socket as ``socket.connect`` takes it.

    ``address`` is ``DBUS_SESSION_BUS_ADDRESS`` unless given.
    """
    if address is None:
        address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    for entry in address.split(";"):
        transport, _, details = entry.partition(":")
        if transport != "unix":
            continue
        keys = dict(item.partition("=")[::2] for item in details.split(","))
        for key, prefix in (("abstract", "\0"), ("path", "")):
            value = keys.get(key, "")
            if value and "%" not in value:
                return prefix + value
    raise WireError("no plain unix session bus address")


class BusConnection:
    """A connection to the session bus, for one caller's few calls."""

    def __init__(self, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._serial = 0
        self._buffer = b""
        self._socket = _plain_socket(AF_UNIX, SOCK_STREAM)
        try:
            self._socket.settimeout(timeout)
            self._socket.connect(session_bus_socket())
            self._authenticate()
            self._say_hello()
        except BaseException:
            self._socket.close()
            raise

    def __enter__(self) -> BusConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self._socket.close()

    def _authenticate(self) -> None:
        uid = str(os.geteuid()).encode("ascii").hex().encode("ascii")
        self._socket.sendall(b"\0AUTH EXTERNAL " + uid + b"\r\n")
        while b"\r\n" not in self._buffer:
            self._receive_some()
        line, _, self._buffer = self._buffer.partition(b"\r\n")
        if not line.startswith(b"OK "):
            raise WireError("the bus refused the login")
        self._socket.sendall(b"BEGIN\r\n")

    def call(self, call: Call) -> tuple[Any, ...]:
        """Send one method call and return its reply's values."""
        serial = self._next_serial()
        self._socket.sendall(_method_call(call, serial))
        while True:
            answered, values, error = self._next_reply()
            if answered == serial and error:
                raise WireError(f"the bus answered {error}")
            if answered == serial:
                return values

    def _say_hello(self) -> None:
        self.call(Call(BUS_NAME, BUS_PATH, f"{BUS_NAME}.Hello"))

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _next_reply(self) -> tuple[int, tuple[Any, ...], str]:
        """The next reply's serial, values and error name; -1 for other messages."""
        message = self._next_message()
        order = "<" if message[:1] == b"l" else ">"
        kind = message[1]
        fields, end = _Reader(message, order).read_header()
        serial = fields.get(_REPLY_SERIAL)
        if kind not in (_METHOD_RETURN, _ERROR) or not isinstance(serial, int):
            return -1, (), ""
        if kind == _ERROR:
            return serial, (), str(fields.get(_ERROR_NAME) or "an error")
        signature = str(fields.get(_SIGNATURE, ""))
        return serial, _Reader(message, order, end).read_body(signature), ""

    def _next_message(self) -> bytes:
        while len(self._buffer) < 16:
            self._receive_some()
        order = "<" if self._buffer[:1] == b"l" else ">"
        body, fields = struct.unpack_from(order + "4xI4xI", self._buffer)
        size = 16 + fields + (-fields % 8) + body
        if size > MAX_MESSAGE:
            raise WireError("a message larger than the helper reads")
        while len(self._buffer) < size:
            self._receive_some()
        message, self._buffer = self._buffer[:size], self._buffer[size:]
        return message

    def _receive_some(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise WireError("the bus did not answer in time")
        self._socket.settimeout(remaining)
        chunk = self._socket.recv(65536)
        if not chunk:
            raise WireError("the bus closed the connection")
        self._buffer += chunk


def _method_call(call: Call, serial: int) -> bytes:
    body = _Writer()
    body.write_values(call.signature, call.body)
    fields: list[tuple[int, tuple[str, object]]] = [
        (_PATH, ("o", call.path)),
        (_INTERFACE, ("s", call.interface)),
        (_MEMBER, ("s", call.member)),
        (_DESTINATION, ("s", call.destination)),
        (_SIGNATURE, ("g", call.signature)),
    ]
    header = _Writer()
    header.write_values("yyyyuua(yv)", (108, _METHOD_CALL, 0, 1, 0, serial, fields))
    header.align(8)
    struct.pack_into("<I", header.data, 4, len(body.data))
    return bytes(header.data + body.data)


def _complete_type(signature: str, start: int) -> int:
    """The index just past the single complete type starting at ``start``."""
    code = signature[start]
    if code == "a":
        return _complete_type(signature, start + 1)
    if code in "({":
        closing = ")" if code == "(" else "}"
        index = start + 1
        while signature[index] != closing:
            index = _complete_type(signature, index)
        return index + 1
    if code in _FIXED or code in "sogv":
        return start + 1
    raise WireError(f"type {code!r} is not handled")


def _split(signature: str) -> list[str]:
    types, index = [], 0
    while index < len(signature):
        end = _complete_type(signature, index)
        types.append(signature[index:end])
        index = end
    return types


class _Writer:
    def __init__(self) -> None:
        self.data = bytearray()

    def align(self, size: int) -> None:
        self.data += bytes(-len(self.data) % size)

    def write_values(self, signature: str, values: tuple[object, ...]) -> None:
        types = _split(signature)
        if len(types) != len(values):
            raise WireError("the values do not match the signature")
        for code, value in zip(types, values, strict=True):
            self.write(code, value)

    def write(self, code: str, value: object) -> None:
        self.align(_ALIGN.get(code[0], 4))
        if code in _FIXED:
            self.data += struct.pack("<" + _FIXED[code], value)
        elif code in "so":
            encoded = str(value).encode("utf-8")
            self.data += struct.pack("<I", len(encoded)) + encoded + b"\0"
        elif code == "g":
            encoded = str(value).encode("ascii")
            self.data += struct.pack("<B", len(encoded)) + encoded + b"\0"
        elif code == "v":
            inner, content = _pair(value)
            self.write("g", inner)
            self.write(inner, content)
        elif code[0] == "a":
            self._write_array(code[1:], value)
        else:
            self.write_values(code[1:-1], _sequence(value))

    def _write_array(self, element: str, value: object) -> None:
        length_at = len(self.data)
        self.data += bytes(4)
        self.align(_ALIGN.get(element[0], 4))
        start = len(self.data)
        items = value.items() if isinstance(value, dict) else _sequence(value)
        for item in items:
            self.write(element, item)
        struct.pack_into("<I", self.data, length_at, len(self.data) - start)


class _Reader:
    def __init__(self, data: bytes, order: str, offset: int = 0) -> None:
        self.data = data
        self.order = order
        self.offset = offset

    def read_header(self) -> tuple[dict[int, object], int]:
        """The header fields by code, and where the body starts."""
        (_, _, _, _, _, _, fields) = self.read_body("yyyyuua(yv)")
        found: dict[int, object] = {}
        for code, value in fields:
            found[code] = value
        self.offset += -self.offset % 8
        return found, self.offset

    def read_body(self, signature: str) -> tuple[Any, ...]:
        return tuple(self.read(code) for code in _split(signature))

    def align(self, size: int) -> None:
        self.offset += -self.offset % size

    def read(self, code: str) -> Any:
        self.align(_ALIGN.get(code[0], 4))
        if code in _FIXED:
            return self._unpack(_FIXED[code])
        if code in "so":
            return self._text((self._unpack("I")), "utf-8")
        if code == "g":
            return self._text((self._unpack("B")), "ascii")
        if code == "v":
            inner = self.read("g")
            if not inner or _complete_type(inner, 0) != len(inner):
                raise WireError("a variant holds more or less than one value")
            return self.read(inner)
        if code == "ay":
            return self._bytes(self._unpack("I"))
        if code[0] == "a":
            return self._read_array(code[1:])
        return self.read_body(code[1:-1])

    def _read_array(self, element: str) -> Any:
        length = self._unpack("I")
        self.align(_ALIGN.get(element[0], 4))
        end = self.offset + length
        items = []
        while self.offset < end:
            items.append(self.read(element))
        if self.offset != end:
            raise WireError("an array's length does not match its items")
        if element[0] == "{":
            return dict(items)
        return items

    def _unpack(self, code: str) -> Any:
        size = struct.calcsize(code)
        self._check(size)
        (value,) = struct.unpack_from(self.order + code, self.data, self.offset)
        self.offset += size
        return value

    def _bytes(self, size: int) -> bytes:
        self._check(size)
        value = self.data[self.offset : self.offset + size]
        self.offset += size
        return value

    def _text(self, size: int, encoding: str) -> str:
        value = self._bytes(size).decode(encoding)
        self._check(1)
        self.offset += 1  # the terminating NUL
        return value

    def _check(self, size: int) -> None:
        if self.offset + size > len(self.data):
            raise WireError("a message shorter than its contents")


def _pair(value: object) -> tuple[str, object]:
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return value[0], value[1]
    raise WireError("a variant is written as (signature, value)")


def _sequence(value: object) -> tuple[object, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    raise WireError("an array or struct needs a list or a tuple")
