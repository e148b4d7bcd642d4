"""The HTTP connections the bot's Bot API calls go through: httpx's, made cheaper per call.

Under load most of the bot's CPU went to httpx and httpcore rather than to guidebot (61% of
the event loop in a profile at 100 officers). Two costs there grow with every call and are
not the Bot API's doing:

- Before and after each request httpcore checks every idle connection in its pool for a
  server that hung up, asking anyio for the raw socket each time; anyio builds a table of the
  socket's attributes to answer, with a ``getsockname`` and a ``getpeername`` system call, per
  idle connection per call (about 15% of the event loop). Here the socket is looked up once,
  when the connection opens, and the check is the same ``poll`` httpcore makes.
- A request goes out in two writes, its headers and then its body: two system calls, and two
  packets for the server to read. Here the writes are held until the response is read and
  sent as one (HTTP/1.1 sends the whole request before reading a byte of the answer).

Everything else is httpcore's own connection handling, through its documented network
backend interface: TLS, timeouts, the pool's size and its waits are exactly as before.
"""

from __future__ import annotations

import contextlib
import select
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from telegram.request import HTTPXRequest


class CheapStream(httpcore.AsyncNetworkStream):
    """A connection whose writes wait for the next read, and whose socket is known.

    Args:
        stream: httpcore's own stream for the connection (anyio's).
    """

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket = stream.get_extra_info("socket")
        self._held: list[bytes] = []
        self._write_timeout: float | None = None

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Hold the bytes: they go out with the rest of the request, at the first read."""
        if buffer:
            self._held.append(buffer)
            self._write_timeout = timeout

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Send what is held in one write, then read."""
        if self._held:
            held, self._held = b"".join(self._held), []
            # As httpcore does when a write fails: a server may answer and close before it has
            # read the whole request, so the answer is read all the same.
            with contextlib.suppress(httpcore.WriteError):
                await self._stream.write(held, self._write_timeout)
        return await self._stream.read(max_bytes, timeout)

    async def aclose(self) -> None:
        """Close the connection (a request held and never read for is dropped with it)."""
        self._held = []
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """TLS over this connection (for a proxy's tunnel), as httpcore does it."""
        return CheapStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        """As httpcore's stream answers, but "is_readable" from the socket known already."""
        if info == "is_readable":
            return _readable(self._socket)
        return self._stream.get_extra_info(info)


class CheapBackend(httpcore.AsyncNetworkBackend):
    """httpcore's asyncio backend, its connections wrapped in :class:`CheapStream`."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """A TCP connection, as httpcore makes one."""
        stream = await self._backend.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return CheapStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        """A Unix socket connection, as httpcore makes one."""
        stream = await self._backend.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return CheapStream(stream)

    async def sleep(self, seconds: float) -> None:
        """Sleep as httpcore does."""
        await self._backend.sleep(seconds)


class CheapTransport(httpx.AsyncHTTPTransport):
    """httpx's transport (HTTP/1.1, certificates checked as httpx does), over CheapBackend.

    httpx offers no way to choose httpcore's network backend, so its connection pool is made
    again with the same settings and this backend.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=False,
            network_backend=CheapBackend(),
        )


def cheap_request(connection_pool_size: int, timeout: float) -> HTTPXRequest:
    """python-telegram-bot's HTTP requests, as ApplicationBuilder makes them, over CheapTransport.

    The same pool size and timeouts the builder's own settings would give.
    """
    limits = httpx.Limits(max_connections=connection_pool_size)
    return HTTPXRequest(
        connection_pool_size=connection_pool_size,
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        pool_timeout=timeout,
        httpx_kwargs={"transport": CheapTransport(limits)},
    )


def _readable(sock: Any) -> bool:
    """Whether the socket has bytes (or its end) waiting: httpcore's test for a hung-up server.

    A socket gone, or without a file descriptor, counts as readable, as in httpcore.
    """
    fileno = None if sock is None else sock.fileno()
    if fileno is None or fileno < 0:
        return True
    poller = select.poll()
    poller.register(fileno, select.POLLIN)
    return bool(poller.poll(0))
