"""A deployment's settings: one YAML file, each setting overridable by an environment variable.

A force's IT team sets guidebot up once, in one file they can review and keep under change
control, and a container platform overrides single settings without editing it
(``GUIDEBOT_WEBHOOK_PORT=8080``). Every setting is checked when guidebot starts, not when it is
first used at 3 a.m.: an unknown key (a misspelling would otherwise be ignored) or a bad value
stops start-up with the key named, and the file or variable it came from.

Precedence, strongest first: a command-line option, an environment variable, the file, the
default. The defaults are what an officer's laptop needs, so the console chat needs no file.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

CONFIG_VARIABLE = "GUIDEBOT_CONFIG"
"""Names the config file when ``--config`` is not given."""
ENV_PREFIX = "GUIDEBOT_"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class ConfigError(Exception):
    """The configuration cannot be used: each line names a key, where it came from, and why."""


class _Section(BaseModel):
    """Unknown keys refused: a misspelt setting would otherwise be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FirstAdmin(_Section):
    """How the first admin is enrolled on a new install, before anyone can use /users."""

    code_file: Path | None = None
    """Where guidebot writes a one-time admin code (owner-only) at start while no admin is
    enrolled; the IT team sends it to the bot as /enrol CODE, then deletes the file."""
    valid_hours: float = Field(default=24.0, gt=0, le=24 * 30)


def _sha256_hex(value: str | None) -> str | None:
    """A model's SHA-256 as sha256sum prints it, in lower case, so either case is accepted."""
    if value is not None and not SHA256.match(value.lower()):
        raise ValueError("must be 64 hexadecimal characters (the output of sha256sum)")
    return None if value is None else value.lower()


class Speech(_Section):
    """The speech-to-text engine for voice notes, run on this machine (nothing sent away)."""

    engine: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$")
    model_path: Path | None = None
    model_sha256: str | None = None
    """The model file's SHA-256, so a model swapped or damaged on disk is refused."""

    _hex = field_validator("model_sha256")(_sha256_hex)

    @model_validator(mode="after")
    def _model_named(self) -> Speech:
        if self.model_sha256 is not None and self.model_path is None:
            raise ValueError("model_sha256 is set but model_path is not: name the model file")
        if self.model_path is not None and self.engine is None:
            raise ValueError("model_path is set but engine is not: name the speech engine")
        return self


class Speaking(_Section):
    """The voice replies are read in: espeak-ng (from its wheel), or a piper voice model.

    A piper voice is loaded only from the file named here, after its SHA-256 matches: voice
    models come from many hands, and a swapped or damaged one must never be loaded.
    """

    engine: Literal["espeak", "piper"] = "espeak"
    model_path: Path | None = None
    """piper: the voice model file (.onnx, with its .onnx.json beside it)."""
    model_sha256: str | None = None
    """piper: the model file's SHA-256 (sha256sum MODEL)."""

    _hex = field_validator("model_sha256")(_sha256_hex)

    @model_validator(mode="after")
    def _piper_named(self) -> Speaking:
        if self.engine == "piper" and (self.model_path is None or self.model_sha256 is None):
            raise ValueError(
                "engine piper needs model_path and model_sha256: name the voice model file "
                "and its SHA-256"
            )
        if self.engine == "espeak" and (self.model_path or self.model_sha256):
            raise ValueError(
                "model_path and model_sha256 are for a piper voice: set engine: piper, or "
                "remove them"
            )
        return self


class Logging(_Section):
    """How much guidebot logs, and how: JSON lines for a log shipper, text for a person."""

    level: Literal["debug", "info", "warning", "error"] = "warning"
    format: Literal["auto", "json", "text"] = "auto"
    """``auto``: JSON lines when standard error is not a terminal (a service), text otherwise."""


class WebhookSettings(_Section):
    """Receive updates by webhook (when ``url`` is set) instead of long polling."""

    url: str | None = None
    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if not parts.hostname:
            raise ValueError("must be a full address such as https://bot.example.police.uk/tg")
        if parts.scheme != "https" and not (
            parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
        ):
            raise ValueError("must start with https:// (Telegram posts updates only over HTTPS)")
        return value


class Metrics(_Section):
    """Prometheus metrics on a port of their own, apart from the webhook Telegram reaches."""

    port: int | None = Field(default=None, ge=1, le=65535)
    listen: str = "127.0.0.1"


class Config(_Section):
    """Everything a deployment chooses, checked as a whole when guidebot starts."""

    data_dir: Path | None = None
    """None: GUIDEBOT_DATA_DIR's folder or the per-user data folder, as without a config."""
    token_file: Path | None = None
    jurisdiction: Literal["england", "wales"] | None = None
    idle_minutes: float = Field(default=30.0, ge=1, le=24 * 60)
    retention_days: int = Field(default=365, ge=1, le=100 * 365)
    first_admin: FirstAdmin = FirstAdmin()
    speech: Speech = Speech()
    speaking: Speaking = Speaking()
    voice_replies: bool = False
    log: Logging = Logging()
    webhook: WebhookSettings = WebhookSettings()
    metrics: Metrics = Metrics()
    messages_per_second: float = Field(default=30.0, ge=0)
    """The whole bot's sending rate; Telegram allows a bot about 30 messages a second."""

    _source: str = PrivateAttr(default="the defaults")

    @property
    def source(self) -> str:
        """Where the settings were read from (a file, or the defaults), for messages."""
        return self._source

    def command_defaults(self) -> dict[str, Any]:
        """Every command's options this config sets, as click's ``default_map`` wants them."""
        nation = {} if self.jurisdiction is None else {"jurisdiction": self.jurisdiction}
        return {
            "run": self.run_defaults(),
            "chat": {"idle_minutes": self.idle_minutes, **nation},
            "kb": {"search": nation},
            "audit": {"purge": {"days": self.retention_days}},
        }

    def run_defaults(self) -> dict[str, Any]:
        """The ``guidebot run`` options this config sets (click's ``default_map``)."""
        defaults: dict[str, Any] = {
            "idle_minutes": self.idle_minutes,
            "listen": self.webhook.listen,
            "port": self.webhook.port,
            "log_level": self.log.level,
            "log_format": self.log.format,
            "messages_per_second": self.messages_per_second,
        }
        optional = {
            "data_dir": self.data_dir,
            "token_file": self.token_file,
            "jurisdiction": self.jurisdiction,
            "public_url": self.webhook.url,
            "metrics_port": self.metrics.port,
        }
        defaults.update({name: value for name, value in optional.items() if value is not None})
        if self.webhook.url is not None:
            defaults["webhook"] = True
        return defaults


SECTIONS: dict[str, type[_Section]] = {
    name: info.annotation
    for name, info in Config.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, _Section)
}


def settings_and_variables() -> Iterator[tuple[tuple[str, ...], str]]:
    """Every setting's path in the file and the environment variable that overrides it."""
    for name in Config.model_fields:
        section = SECTIONS.get(name)
        if section is None:
            yield (name,), f"{ENV_PREFIX}{name.upper()}"
            continue
        for field in section.model_fields:
            yield (name, field), f"{ENV_PREFIX}{name.upper()}_{field.upper()}"


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The settings from ``path`` (if any), each overridden by its ``GUIDEBOT_`` variable.

    An empty variable counts as unset, so a compose file can leave one blank.

    Raises:
        ConfigError: the file cannot be read or is not YAML, a key is unknown, or a value is
            bad; every problem found is listed, each naming its key and where it came from.
    """
    env = os.environ if environ is None else environ
    data: dict[str, Any] = {}
    where = "the defaults"
    if path is not None:
        where = str(path)
        data = _read_file(path)
        _anchor_paths(data, path.parent)
    from_env: dict[tuple[str, ...], str] = {}
    for setting, variable in settings_and_variables():
        value = env.get(variable, "").strip()
        if not value:
            continue
        from_env[setting] = variable
        if len(setting) == 1:
            data[setting[0]] = value
        else:
            section = data.setdefault(setting[0], {})
            if isinstance(section, dict):
                section[setting[1]] = value
    try:
        config = Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_explain(error, where, from_env)) from None
    config._source = where
    return config


PATH_SETTINGS = (
    ("data_dir",),
    ("token_file",),
    ("first_admin", "code_file"),
    ("speech", "model_path"),
    ("speaking", "model_path"),
)


def _anchor_paths(data: dict[str, Any], folder: Path) -> None:
    """Read a relative path in the file from the file's own folder, wherever guidebot starts."""
    for setting in PATH_SETTINGS:
        holder: Any = data
        for part in setting[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and isinstance(holder.get(setting[-1]), str):
            value = Path(holder[setting[-1]]).expanduser()
            if not value.is_absolute():
                holder[setting[-1]] = str(folder / value)


def _read_file(path: Path) -> dict[str, Any]:
    from bot.language import YamlError, read_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(
            f"{path}: cannot read the config file ({error.strerror}): check the path "
            f"(--config or {CONFIG_VARIABLE}) and that this account may read it"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not UTF-8 text: save it as UTF-8") from None
    try:
        data = read_yaml(text)
    except YamlError as error:
        raise ConfigError(f"{path}: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path}: must be a mapping of settings (key: value), not a {type(data).__name__}"
        )
    return dict(data)


def _explain(error: ValidationError, where: str, from_env: dict[tuple[str, ...], str]) -> str:
    lines: list[str] = []
    for problem in error.errors():
        path = tuple(str(part) for part in problem["loc"])
        key = ".".join(path) or "(top level)"
        variable = from_env.get(path)
        origin = f"{variable} (environment)" if variable else where
        if problem["type"] == "extra_forbidden":
            lines.append(f"{origin}: unknown setting '{key}'{_suggestion(path)}")
            continue
        message = str(problem["msg"]).removeprefix("Value error, ")
        given = problem.get("input")
        shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
        lines.append(f"{origin}: {key}: {message}{shown}")
    heading = "The configuration cannot be used; fix these and start again:"
    return "\n".join([heading, *(f"  {line}" for line in lines)])


def _suggestion(path: tuple[str, ...]) -> str:
    if len(path) == 1:
        known = list(Config.model_fields)
    else:
        section = SECTIONS.get(path[0])
        known = list(section.model_fields) if section else []
    close = difflib.get_close_matches(path[-1], known, n=1)
    if close:
        return f": did you mean '{close[0]}'?"
    return f": the settings here are {', '.join(known)}"


__all__ = [
    "CONFIG_VARIABLE",
    "Config",
    "ConfigError",
    "FirstAdmin",
    "Logging",
    "Metrics",
    "Speaking",
    "Speech",
    "WebhookSettings",
    "load_config",
    "settings_and_variables",
]
