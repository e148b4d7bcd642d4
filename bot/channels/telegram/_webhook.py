"""The webhook receiver: Telegram's POSTs, checked, handed to python-telegram-bot's queue.

python-telegram-bot's own webhook server compares the secret header with ``!=`` (its time leaks
how much of a guess was right) and logs a wrong one, so guidebot serves the webhook itself with
aiohttp: the header is compared in constant time, a request without the right one gets 403 and
changes nothing, and nothing about a request is logged.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.metrics import health_handler

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20
"""Telegram's updates are a few kilobytes; anything near a megabyte is not from Telegram."""

log = logging.getLogger("guidebot.telegram")


class WebhookServer:
    """An aiohttp server for one path, putting each verified update on the bot's queue."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        *,
        secret: str,
        path: str,
        host: str,
        port: int,
        ready: Callable[[], bool] | None = None,
    ) -> None:
        """Serve ``path`` on ``host:port``; requests must carry ``secret`` in the header.

        ``/healthz`` answers 200 while ``ready()`` holds (the database and knowledge loaded),
        503 otherwise, for the load balancer in front of the webhook.
        """
        self._ready = ready
        self._application = application
        self._secret = secret.encode()
        self._path = path or "/"
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> int:
        """Start listening; returns the port (useful when 0 asked for a free one)."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(self._path, self._receive)
        if self._ready is not None and self._path != HEALTH_PATH:
            app.router.add_get(HEALTH_PATH, health_handler(self._ready))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        addresses = self._runner.addresses
        return int(addresses[0][1]) if addresses else self._port

    async def stop(self) -> None:
        """Stop accepting requests; those in hand are finished first."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return web.Response(status=403, text="Forbidden")
        try:
            data = json.loads(await request.read())
            update = Update.de_json(data, self._application.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400, text="Not a Telegram update")
        if update is None:
            return web.Response(status=400, text="Not a Telegram update")
        await self._application.update_queue.put(update)
        return web.Response(text="OK")
