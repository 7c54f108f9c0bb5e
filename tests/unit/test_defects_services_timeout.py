"""A timeout names its cause: no connection, or a connection and no answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from dtr_desktop.registry import Credentials, Outcome, RegistryTarget, Timeouts
from dtr_desktop.services.registry_checks import run_connection_test
from tests.fakes.loopback import Answer, LoopbackServer

LOGIN = Credentials("dev", "s3cret")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never sends a byte."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_stalled_tls_handshake_is_not_reported_as_no_connection(
    silent_port: int,
) -> None:
    target = RegistryTarget(f"https://127.0.0.1:{silent_port}")

    report = run_connection_test(
        target, LOGIN, timeouts=Timeouts(connect=0.3, read=0.3)
    )

    assert report.outcome is Outcome.TIMEOUT
    assert (
        f"127.0.0.1:{silent_port} accepted the connection but did not answer "
        "within 0.3 seconds" in report.message
    )
    assert "did not accept a connection" not in report.message


def test_slow_reply_says_the_connection_was_accepted() -> None:
    slow = LoopbackServer(lambda request: Answer(200, wait_seconds=5)).start()
    try:
        report = run_connection_test(
            RegistryTarget(slow.url, insecure=True),
            LOGIN,
            timeouts=Timeouts(connect=5, read=0.3),
        )
    finally:
        slow.stop()

    assert report.outcome is Outcome.TIMEOUT
    assert "accepted the connection but did not answer within 0.3 seconds" in (
        report.message
    )
