"""``guidebot doctor``: one pass or fail line for each thing a deployment needs.

A force's IT team runs it after installing, after every change, and in monitoring. Each check
says what it found and, when something is wrong, what to do, in one line. Nothing it prints
holds the token, a key or anything an officer typed.

On a new install (no database yet) it prepares what ``guidebot run`` would at its first start:
the data folder, the keys and the database. Beside an existing database each key is opened by
the same function ``run`` uses, so both follow one rule per key: a missing pseudonym key beside
enrolled officers is refused (a new one would cut them all off), as is a missing signing key
beside signed checkpoints (they could no longer be checked); a missing seal key is made anew,
with a warning where chat ids were sealed under the old one.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import click

from bot.cli._common import data_dir_option, flows_option, knowledge_option

if TYPE_CHECKING:
    from bot.config import Config

Outcome = Literal["PASS", "WARN", "FAIL", "SKIP"]
TOKEN_SHAPE = re.compile(r"^\d{5,20}:[A-Za-z0-9_-]{30,64}$")
"""A Bot API token: the bot's number, a colon, and (today) 35 characters of [A-Za-z0-9_-]."""
MIN_FREE_BYTES = 1 << 30
"""Warn below 1 GB free: the database grows with every conversation and the log never shrinks."""
MAX_CLOCK_SKEW_SECONDS = 30.0
"""Telegram refuses nothing for a slow clock, but idle timers, audit times and checkpoints do
go wrong; past this, the host's time service is not working."""
DEFAULT_API_URL = "https://api.telegram.org/bot"
DATABASE = "guidebot.sqlite3"
"""bot.app.DATABASE, named here so that --health (a container probe every 30 s) imports no
more than it needs; tests/test_doctor.py checks the two agree."""


@dataclass(frozen=True)
class Check:
    """One check's verdict and its line of explanation."""

    name: str
    outcome: Outcome
    detail: str

    def line(self) -> str:
        """The line doctor prints: outcome, name and detail."""
        return f"{self.outcome:<4}  {self.name}: {self.detail}"


@dataclass
class Context:
    """What the checks share: the settings, and the token and clock offset found on the way."""

    config: Config | None
    data_dir: Path
    knowledge_dir: Path | None
    flows_dir: Path | None
    api_url: str
    online: bool
    token: str | None = None
    server_date: float | None = None
    fresh: bool = False
    seal_key_made: bool = False
    sealed: int = 0


def _private(path: Path, *, folder: bool = False) -> str | None:
    """Why ``path`` is not safe (None if it is): another owner, or open to others."""
    info = path.stat()
    if info.st_uid != os.getuid():
        return f"{path} belongs to another account (uid {info.st_uid}): chown it to this one"
    if folder and info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} can be written by others (mode {stat.S_IMODE(info.st_mode):o}): chmod 700"
    if not folder and info.st_mode & 0o077:
        return f"{path} can be read by others (mode {stat.S_IMODE(info.st_mode):o}): chmod 600"
    return None


def check_config(found: object) -> Check:
    """The config was read and every value is good."""
    from bot.config import Config, ConfigError

    if isinstance(found, ConfigError):
        detail = " ".join(line.strip() for line in str(found).splitlines()[1:])
        return Check("config", "FAIL", detail)
    if isinstance(found, Config):
        return Check("config", "PASS", f"valid ({found.source})")
    return Check("config", "PASS", "no file: the defaults and any GUIDEBOT_ variables")


def check_token(ctx: Context) -> Check:
    """A token is there and shaped like one; with --online, Telegram accepts it."""
    from bot.app import AppError
    from bot.channels.telegram import read_token

    token_file = ctx.config.token_file if ctx.config is not None else None
    try:
        token = read_token(token_file)
    except AppError as error:
        return Check("token", "FAIL", str(error))
    if not TOKEN_SHAPE.match(token):
        return Check(
            "token",
            "FAIL",
            "the token is not shaped like a Bot API token (digits, a colon, then 35 letters, "
            "digits, - or _): copy it from BotFather again, in full",
        )
    ctx.token = token
    if not ctx.online:
        return Check("token", "PASS", "present and well formed (--online asks Telegram)")
    import httpx

    try:
        response = httpx.get(f"{ctx.api_url}{token}/getMe", timeout=10)
    except httpx.HTTPError as error:
        return Check(
            "token",
            "FAIL",
            f"could not reach the Bot API ({type(error).__name__}): check the network or proxy",
        )
    date = response.headers.get("Date")
    if date:
        ctx.server_date = parsedate_to_datetime(date).timestamp()
    if response.status_code in (401, 404):
        return Check(
            "token", "FAIL", "Telegram refused the token: it was revoked or mistyped; get it again"
        )
    if response.status_code != 200 or not response.json().get("ok"):
        return Check("token", "FAIL", f"the Bot API answered {response.status_code}: try again")
    return Check("token", "PASS", "Telegram accepts it (getMe)")


def check_content(ctx: Context) -> Check:
    """The knowledge base and flows load and pass every check.

    A build read back from the cache counts: only what passed every check is cached, under a
    hash of every file it was built from, so a changed or broken file is always rebuilt.
    """
    from bot.app import AppError, Settings, load_engine

    jurisdiction = ctx.config.jurisdiction if ctx.config is not None else None
    settings = Settings(
        data_dir=ctx.data_dir,
        knowledge_dir=ctx.knowledge_dir,
        flows_dir=ctx.flows_dir,
        jurisdiction=jurisdiction,
    )
    try:
        knowledge, flows, _engine = load_engine(settings)
    except AppError as error:
        return Check("knowledge and flows", "FAIL", " ".join(str(error).split()))
    entries = len(list(knowledge.entries)) if hasattr(knowledge, "entries") else None
    counted = f"{entries} entries, " if entries is not None else ""
    return Check("knowledge and flows", "PASS", f"valid ({counted}{len(flows)} flows)")


def check_data_dir(ctx: Context) -> Check:
    """The data folder exists (or is made), is ours, is not writable by others, and takes a file."""
    from bot._private import PrivateFileError, make_private_dirs

    folder = ctx.data_dir
    ctx.fresh = not (folder / DATABASE).exists()
    try:
        make_private_dirs(folder, what="the data folder")
    except PrivateFileError as error:
        return Check("data folder", "FAIL", str(error))
    if not folder.is_dir():
        return Check("data folder", "FAIL", f"{folder} is not a folder")
    unsafe = _private(folder, folder=True)
    if unsafe:
        return Check("data folder", "FAIL", unsafe)
    probe = folder / f".doctor-{os.getpid()}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return Check("data folder", "FAIL", f"{folder} cannot be written ({error.strerror})")
    mode = stat.S_IMODE(folder.stat().st_mode)
    return Check("data folder", "PASS", f"{folder} is writable, owner-only enough (mode {mode:o})")


def check_pseudonym_key(ctx: Context) -> Check:
    """The pseudonym key is there (or may be made), owner-only and readable.

    Beside an existing database it is opened exactly as ``guidebot run`` opens it
    (:func:`bot.users.keys_for`), so doctor refuses, makes or passes it by run's own rule and
    in run's own words.
    """
    from bot.keys import PSEUDONYM_KEY_FILE, Keys, KeysError
    from bot.store import Store, StoreError
    from bot.users import keys_for

    path = ctx.data_dir / PSEUDONYM_KEY_FILE
    missing = not path.exists()
    if not missing and (unsafe := _private(path)):
        return Check("pseudonym key", "FAIL", unsafe)
    try:
        if ctx.fresh:
            keys = Keys.open(ctx.data_dir)
        else:
            with Store.open(ctx.data_dir / DATABASE) as store:
                keys = keys_for(store, ctx.data_dir)
                ctx.sealed = store.contact_count()
    except (StoreError, KeysError) as error:
        return Check("pseudonym key", "FAIL", str(error))
    ctx.seal_key_made = keys.seal_key_made
    made = ""
    if missing:
        made = " (made now: a new install)" if ctx.fresh else " (made now: nobody enrolled yet)"
    return Check("pseudonym key", "PASS", f"present, owner-only, period {keys.period}{made}")


def check_seal_key(ctx: Context) -> Check:
    """The seal key is there and owner-only; one made anew warns what it costs, as run does.

    A lost seal key is replaced, not refused (:func:`bot.keys.a_new_seal_key` says why), so a
    missing one was made with the pseudonym key's check; it warns only where chat ids were
    sealed under the lost one.
    """
    from bot.keys import SEAL_KEY_FILE, a_new_seal_key

    path = ctx.data_dir / SEAL_KEY_FILE
    if not path.exists():
        return Check("seal key", "SKIP", "not made: see the pseudonym key's line")
    if unsafe := _private(path):
        return Check("seal key", "FAIL", unsafe)
    if not ctx.seal_key_made:
        return Check("seal key", "PASS", "present, owner-only")
    cost = a_new_seal_key(path, sealed=ctx.sealed)
    if cost is not None:
        return Check("seal key", "WARN", cost)
    why = "a new install" if ctx.fresh else "no chat id was sealed yet"
    return Check("seal key", "PASS", f"present, owner-only (made now: {why})")


def check_audit(ctx: Context) -> Check:
    """The signing key is there and owner-only, and the log verifies against its public key."""
    from bot.audit.log import KEY_FILE, AuditError, log_signing_key, verify
    from bot.store import Store, StoreError

    key_file = ctx.data_dir / KEY_FILE
    try:
        with Store.open(ctx.data_dir / DATABASE) as store:
            verifier = log_signing_key(store, ctx.data_dir).verifier
    except (AuditError, StoreError) as error:
        return Check("audit log", "FAIL", str(error))
    if unsafe := _private(key_file):
        return Check("audit log", "FAIL", unsafe)
    try:
        with Store.open(ctx.data_dir / DATABASE) as store:
            report = verify(store, verifier)
            version = store.schema_version()
    except StoreError as error:
        return Check("audit log", "FAIL", str(error))
    summary = f"{report.events} events, {report.checkpoints} checkpoints, schema {version}"
    if report.ok:
        return Check("audit log", "PASS", f"verifies against the public key ({summary})")
    problem = report.problems[0]
    if report.never_signed:
        if report.events == 0:
            return Check("audit log", "PASS", f"empty, nothing to verify yet ({summary})")
        return Check("audit log", "WARN", f"{problem} ({summary})")
    return Check("audit log", "FAIL", f"{problem} Run 'guidebot audit verify' for details.")


def check_speech(ctx: Context) -> Check:
    """The speech engine named in the config loads, with the model it was checked against."""
    import hashlib
    import importlib.util

    speech = ctx.config.speech if ctx.config is not None else None
    if speech is None or speech.engine is None:
        return _check_default_speech()
    model = speech.model_path
    if model is not None:
        if not model.is_file():
            return Check("speech engine", "FAIL", f"the model file {model} is missing")
        if speech.model_sha256 is not None:
            digest = hashlib.sha256()
            with model.open("rb") as stream:
                for chunk in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != speech.model_sha256:
                return Check(
                    "speech engine",
                    "FAIL",
                    f"{model} does not match speech.model_sha256: the file changed or is "
                    "damaged; copy the model again",
                )
    if importlib.util.find_spec("bot.voice") is None:
        return Check(
            "speech engine",
            "FAIL",
            f"'{speech.engine}' is configured but this guidebot has no voice support: upgrade "
            "guidebot or remove speech.engine",
        )
    import importlib

    voice = importlib.import_module("bot.voice")
    load: Callable[..., object] | None = getattr(voice, "load_recogniser", None)
    if load is None:
        return Check("speech engine", "PASS", f"'{speech.engine}' model present and matching")
    try:
        load(speech.engine, model_dir=model)
    except Exception as error:  # any engine's own failure is reported, not raised
        return Check(
            "speech engine", "FAIL", f"'{speech.engine}' did not load ({type(error).__name__})"
        )
    return Check("speech engine", "PASS", f"'{speech.engine}' loads")


def _check_default_speech() -> Check:
    """No engine configured: voice notes use pocketsphinx and espeak-ng from their wheels."""
    try:
        from bot.voice import load_recogniser

        load_recogniser("pocketsphinx")
    except Exception as error:  # the engine's own failure is reported, not raised
        return Check(
            "speech engine",
            "WARN",
            f"pocketsphinx (the default) did not load ({type(error).__name__}): voice notes "
            "will be explained, not read",
        )
    try:
        import espeakng_loader  # noqa: F401 - only whether it is there
    except ImportError:
        return Check(
            "speech engine", "WARN", "pocketsphinx loads; espeak-ng missing: no spoken replies"
        )
    return Check("speech engine", "PASS", "pocketsphinx and espeak-ng (the defaults) load")


def check_speaking(ctx: Context) -> Check:
    """The voice replies are read in loads: espeak-ng, or the piper voice with its hash.

    A piper voice is loaded here exactly as ``guidebot run`` loads it, so a model that is
    missing, changed on disk, or without piper-tts installed fails now, not at the first start.
    """
    speaking = ctx.config.speaking if ctx.config is not None else None
    if speaking is None or speaking.engine == "espeak":
        try:
            import espeakng_loader  # noqa: F401 - only whether it is there
        except ImportError:
            return Check(
                "voice replies",
                "WARN",
                "espeak-ng (the default) is not installed: /voice on is refused; "
                "pip install espeakng-loader",
            )
        return Check("voice replies", "PASS", "espeak-ng (the default)")
    from bot.voice import SpeakError, load_speaker

    try:
        load_speaker(speaking.model_path, speaking.model_sha256)
    except SpeakError as error:
        return Check("voice replies", "FAIL", f"{error} (speaking in the config)")
    except Exception as error:  # piper's own failure to load the model is reported, not raised
        return Check(
            "voice replies",
            "FAIL",
            f"the piper voice {speaking.model_path} matches its SHA-256 but did not load "
            f"({type(error).__name__}): check its .onnx.json is beside it",
        )
    return Check(
        "voice replies", "PASS", f"piper voice {speaking.model_path} matches its SHA-256 and loads"
    )


def check_disk(ctx: Context) -> Check:
    """Enough free space where the data lives."""
    usage = shutil.disk_usage(ctx.data_dir if ctx.data_dir.exists() else Path.cwd())
    free_gb = usage.free / (1 << 30)
    if usage.free < MIN_FREE_BYTES:
        return Check(
            "free disk", "WARN", f"{free_gb:.2f} GB free under {ctx.data_dir}: add space soon"
        )
    return Check("free disk", "PASS", f"{free_gb:.1f} GB free")


def check_clock(ctx: Context, now: Callable[[], float] = time.time) -> Check:
    """The clock agrees with Telegram's (with --online), to within 30 seconds."""
    if not ctx.online:
        return Check("clock", "SKIP", "--online compares it with the Bot API server's clock")
    if ctx.server_date is None:
        return Check("clock", "SKIP", "the Bot API gave no Date to compare with")
    skew = now() - ctx.server_date
    if abs(skew) > MAX_CLOCK_SKEW_SECONDS:
        way = "ahead of" if skew > 0 else "behind"
        return Check(
            "clock",
            "WARN",
            f"{abs(skew):.0f} s {way} Telegram's: check the host's time service (NTP)",
        )
    return Check("clock", "PASS", f"within {MAX_CLOCK_SKEW_SECONDS:.0f} s of Telegram's")


def health(config: Config | None) -> tuple[bool, str]:
    """Whether the running bot answers ``/healthz`` ready, on its metrics or webhook port."""
    import urllib.error
    import urllib.request

    if config is None:
        from bot.config import Config

        config = Config()
    if config.metrics.port is not None:
        host, port = config.metrics.listen, config.metrics.port
    elif config.webhook.url is not None:
        host, port = config.webhook.listen, config.webhook.port
    else:
        return False, "no metrics port or webhook to ask: set metrics.port"
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200, f"{url}: {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"{url}: {error.code}"
    except OSError as error:
        return False, f"{url}: {type(error).__name__}"


@click.command()
@data_dir_option
@knowledge_option
@flows_option
@click.option("--online", is_flag=True, help="Also ask Telegram: the token and the clock.")
@click.option(
    "--api-url",
    default=DEFAULT_API_URL,
    show_default=True,
    help="Bot API server for --online (a self-hosted one, e.g. http://127.0.0.1:8081/bot).",
)
@click.option(
    "--health",
    "probe",
    is_flag=True,
    help="Only ask the running bot's /healthz (for a container HEALTHCHECK); exit 0 if ready.",
)
@click.pass_context
def doctor(
    ctx: click.Context,
    data_dir: Path,
    knowledge_dir: Path | None,
    flows_dir: Path | None,
    online: bool,
    api_url: str,
    probe: bool,
) -> None:
    """Check everything a deployment needs, one pass or fail line for each.

    Exits 0 when nothing failed (warnings allowed), 1 otherwise. On a new install it makes
    the data folder, keys and database as the first start would; it never replaces a key
    that is missing beside an existing database.
    """
    from bot.config import Config

    found = ctx.find_root().obj
    config = found if isinstance(found, Config) else None
    if probe:
        ok, detail = health(config)
        click.echo(f"{'PASS' if ok else 'FAIL'}  health: {detail}")
        raise SystemExit(0 if ok else 1)
    first = check_config(found)
    click.echo(first.line())
    shared = Context(config, data_dir, knowledge_dir, flows_dir, api_url, online)
    failed = first.outcome == "FAIL"
    # A config that failed may name another data folder: make and check nothing there.
    data_ok = not failed
    for step in CHECKS:
        if not data_ok and step in NEED_THE_DATA_FOLDER:
            name = NEED_THE_DATA_FOLDER[step]
            why = "the data folder cannot be used" if not failed else "fix the config first"
            result = Check(name, "SKIP", why)
        else:
            result = step(shared)
        if step is check_data_dir and result.outcome == "FAIL":
            data_ok = False
        failed = failed or result.outcome == "FAIL"
        click.echo(result.line())
    raise SystemExit(1 if failed else 0)


CHECKS: tuple[Callable[[Context], Check], ...] = (
    check_token,
    check_content,
    check_data_dir,
    check_pseudonym_key,
    check_seal_key,
    check_audit,
    check_speech,
    check_speaking,
    check_disk,
    check_clock,
)
"""Every check after the config's, in the order printed."""
NEED_THE_DATA_FOLDER = {
    check_data_dir: "data folder",
    check_pseudonym_key: "pseudonym key",
    check_seal_key: "seal key",
    check_audit: "audit log",
}
"""Checks that make or read files in the data folder, by the name their line shows."""
