"""A TCP proxy on 127.0.0.1 that makes a local server look a network away.

Every chunk is forwarded ``one_way`` seconds after it arrived, in both
directions, so each round trip (TLS handshake steps, request and reply)
costs ``2 × one_way`` as it would across a network; chunks that arrive
together leave together, so long replies are not slowed further.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from queue import Queue
from types import TracebackType


class DelayingProxy:
    def __init__(self, target_port: int, one_way: float) -> None:
        self._target_port = target_port
        self._one_way = one_way
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def __enter__(self) -> DelayingProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self._target_port))
        except OSError:
            client.close()
            return
        for end in (client, upstream):
            end.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(
            target=self._pump, args=(client, upstream), daemon=True
        ).start()
        self._pump(upstream, client)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        """Read as data comes; a writer sends each chunk when it is due."""
        queue: Queue[tuple[float, bytes]] = Queue()
        writer = threading.Thread(target=self._write, args=(queue, sink), daemon=True)
        writer.start()
        try:
            while data := source.recv(65536):
                queue.put((time.monotonic() + self._one_way, data))
        except OSError:
            pass
        queue.put((0.0, b""))
        writer.join()

    @staticmethod
    def _write(queue: Queue[tuple[float, bytes]], sink: socket.socket) -> None:
        try:
            while (item := queue.get())[1]:
                due, data = item
                while (left := due - time.monotonic()) > 0:
                    time.sleep(left)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
