"""The Bot API's HTTP connections: one write a request, and a hung-up server still noticed."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpcore
import httpx
import pytest

from bot.channels.telegram._http import CheapStream, CheapTransport


class Recording(httpcore.AsyncNetworkStream):
    """A connection that keeps what was written to it and answers reads from a script."""

    def __init__(self, answers: list[bytes], sock: Any = None, fail_writes: bool = False) -> None:
        self.writes: list[bytes] = []
        self.answers = answers
        self.sock = sock
        self.fail_writes = fail_writes
        self.closed = False

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self.fail_writes:
            raise httpcore.WriteError("the server hung up")
        self.writes.append(buffer)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.answers.pop(0) if self.answers else b""

    async def aclose(self) -> None:
        self.closed = True

    def get_extra_info(self, info: str) -> Any:
        return self.sock if info == "socket" else None


async def test_a_request_written_in_parts_goes_out_in_one_write_before_the_answer_is_read() -> None:
    inner = Recording([b"HTTP/1.1 200 OK\r\n"])
    stream = CheapStream(inner)
    await stream.write(b"POST /sendMessage HTTP/1.1\r\n\r\n")
    await stream.write(b"")
    await stream.write(b'{"chat_id": 1}')
    assert inner.writes == []
    assert await stream.read(1024) == b"HTTP/1.1 200 OK\r\n"
    assert inner.writes == [b'POST /sendMessage HTTP/1.1\r\n\r\n{"chat_id": 1}']
    await stream.read(1024)
    assert len(inner.writes) == 1  # nothing held: nothing written again


async def test_a_failed_write_still_lets_the_answer_be_read_as_httpcore_does() -> None:
    inner = Recording([b"HTTP/1.1 413 Too Large\r\n"], fail_writes=True)
    stream = CheapStream(inner)
    await stream.write(b"POST / HTTP/1.1\r\n\r\n")
    assert await stream.read(1024) == b"HTTP/1.1 413 Too Large\r\n"


async def test_an_idle_connection_the_server_closed_reads_as_readable() -> None:
    mine, theirs = socket.socketpair()
    try:
        stream = CheapStream(Recording([], sock=mine))
        assert stream.get_extra_info("is_readable") is False
        theirs.close()
        assert stream.get_extra_info("is_readable") is True
        mine.close()
        assert stream.get_extra_info("is_readable") is True  # no descriptor: as if hung up
    finally:
        mine.close()
        theirs.close()


async def test_requests_share_a_connection_and_a_closed_one_is_replaced() -> None:
    connections: list[int] = []
    requests: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(len(connections))
        try:
            await answer_each(reader, writer)
        except asyncio.IncompleteReadError:
            pass  # the client closed the connection
        finally:
            writer.close()

    async def answer_each(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(
                next(
                    (
                        line.split(b":", 1)[1]
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    b"0",
                )
            )
            body = await reader.readexactly(length)
            requests.append(head + body)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()
            if body == b"last":
                return  # the server hangs up on an idle connection

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        transport = CheapTransport(httpx.Limits(max_connections=4))
        async with httpx.AsyncClient(transport=transport) as client:
            url = f"http://127.0.0.1:{port}/bot/sendMessage"
            for body in (b"one", b"two", b"last"):
                answer = await client.post(url, content=body)
                assert answer.text == "ok"
            await asyncio.sleep(0.1)  # the hang-up reaches this side
            answer = await client.post(url, content=b"again")
            assert answer.text == "ok"
        await asyncio.sleep(0.1)  # the server sees the client go
    finally:
        server.close()
        await server.wait_closed()
    assert connections == [0, 1]  # three requests on one connection, then a new one
    assert [request.rpartition(b"\r\n\r\n")[2] for request in requests] == [
        b"one",
        b"two",
        b"last",
        b"again",
    ]


def test_the_pool_keeps_python_telegram_bots_size() -> None:
    transport = CheapTransport(httpx.Limits(max_connections=256))
    pool = transport._pool
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    assert pool._max_connections == 256


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
