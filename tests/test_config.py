"""The deployment's config file: each setting read, overridden by its variable, checked at start."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import Config, ConfigError, load_config, settings_and_variables
from bot.language import read_yaml

EXAMPLE = Path(__file__).parent.parent / "deploy" / "config.example.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "guidebot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_and_no_variables_gives_the_laptop_defaults() -> None:
    config = load_config(None, {})
    assert config == Config()
    assert config.idle_minutes == 30 and config.jurisdiction is None
    assert config.webhook.url is None and config.metrics.port is None


def test_every_setting_is_read_from_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
data_dir: /var/lib/guidebot
token_file: /run/secrets/telegram_token
jurisdiction: wales
idle_minutes: 20
retention_days: 400
first_admin:
  code_file: first-admin.code
  valid_hours: 2
speech:
  engine: whisper
  model_path: /opt/models/model.bin
  model_sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08
speaking:
  engine: piper
  model_path: voices/en_GB-alba-medium.onnx
  model_sha256: 2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE
voice_replies: yes
log:
  level: info
  format: json
webhook:
  url: https://bot.example.police.uk/telegram
  listen: 0.0.0.0
  port: 8443
metrics:
  port: 9102
  listen: 0.0.0.0
messages_per_second: 25
""",
    )
    config = load_config(path, {})
    assert config.data_dir == Path("/var/lib/guidebot")
    assert config.jurisdiction == "wales" and config.idle_minutes == 20
    assert config.retention_days == 400
    # a relative path in the file is read from the file's folder, wherever guidebot starts
    assert config.first_admin.code_file == tmp_path / "first-admin.code"
    assert config.speech.model_sha256 is not None and config.speech.model_sha256.islower()
    assert config.speaking.engine == "piper"
    assert config.speaking.model_path == tmp_path / "voices" / "en_GB-alba-medium.onnx"
    assert config.speaking.model_sha256 is not None and config.speaking.model_sha256.islower()
    assert config.voice_replies is True
    assert (config.log.level, config.log.format) == ("info", "json")
    assert config.metrics.port == 9102 and config.messages_per_second == 25
    assert config.source == str(path)
    defaults = config.run_defaults()
    assert defaults["webhook"] is True
    assert defaults["public_url"] == "https://bot.example.police.uk/telegram"
    assert defaults["metrics_port"] == 9102 and defaults["jurisdiction"] == "wales"


def test_each_variable_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "webhook:\n  port: 8443\njurisdiction: england\nidle_minutes: 20\n")
    env = {
        "GUIDEBOT_WEBHOOK_PORT": "8080",
        "GUIDEBOT_JURISDICTION": "wales",
        "GUIDEBOT_IDLE_MINUTES": "",  # empty: unset, so the file's value stands
        "GUIDEBOT_VOICE_REPLIES": "true",
    }
    config = load_config(path, env)
    assert config.webhook.port == 8080 and config.jurisdiction == "wales"
    assert config.idle_minutes == 20 and config.voice_replies is True


def test_every_setting_has_a_variable_and_an_example_with_a_comment() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    example = read_yaml(text)
    load_config(EXAMPLE, {})  # the example itself is a valid config
    lines = text.splitlines()
    for setting, variable in settings_and_variables():
        assert variable.startswith("GUIDEBOT_") and variable.isupper()
        holder = example
        for part in setting[:-1]:
            holder = holder[part]
        assert setting[-1] in holder, f"{'.'.join(setting)} is not in the example"
        assert variable in text, f"{variable} is not mentioned in the example"
        # the comment sits on the lines just above the key
        at = next(n for n, line in enumerate(lines) if line.strip().startswith(f"{setting[-1]}:"))
        assert lines[at - 1].strip().startswith("#"), f"{'.'.join(setting)} has no comment"


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("webhok:\n  port: 1\n", {}, "unknown setting 'webhok': did you mean 'webhook'?"),
        ("log:\n  colour: red\n", {}, "unknown setting 'log.colour'"),
        ("jurisdiction: scotland\n", {}, "jurisdiction: Input should be 'england' or 'wales'"),
        ("webhook:\n  port: 70000\n", {}, "webhook.port: Input should be less than or equal"),
        ("webhook:\n  url: http://bot.example.com/tg\n", {}, "webhook.url: must start with https"),
        ("speech:\n  model_sha256: abc\n", {}, "speech.model_sha256: must be 64 hexadecimal"),
        ("speech:\n  model_path: /m.bin\n", {}, "speech: model_path is set but engine is not"),
        ("speaking:\n  engine: festival\n", {}, "speaking.engine: Input should be 'espeak' or"),
        ("speaking:\n  engine: piper\n", {}, "speaking: engine piper needs model_path and"),
        ("speaking:\n  model_path: v.onnx\n", {}, "speaking: model_path and model_sha256 are for"),
        ("idle_minutes: 0\n", {}, "idle_minutes: Input should be greater than or equal to 1"),
        ("messages_per_second: -1\n", {}, "messages_per_second: Input should be greater than"),
        ("log:\n  format: xml\n", {}, "log.format: Input should be 'auto', 'json' or 'text'"),
        ("", {"GUIDEBOT_METRICS_PORT": "x"}, "GUIDEBOT_METRICS_PORT (environment): metrics.port"),
        ("- a\n- list\n", {}, "must be a mapping of settings"),
        ("log: [\n", {}, "is not valid YAML at line"),
    ],
)
def test_bad_settings_fail_naming_the_key_and_where_it_came_from(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env)
    message = str(caught.value)
    assert expected in message
    if "environment" not in expected:
        assert str(path) in message


def test_a_missing_file_is_named() -> None:
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(Path("/nonexistent/guidebot.yaml"), {})


def test_a_bad_config_stops_run_before_anything_starts(tmp_path: Path) -> None:
    path = write(tmp_path, "webhook:\n  prot: 8443\n")
    result = CliRunner().invoke(cli, ["--config", str(path), "run"], env={"GUIDEBOT_CONFIG": None})
    assert result.exit_code == 1
    assert "unknown setting 'webhook.prot': did you mean 'port'?" in result.output
    assert "Traceback" not in result.output


def test_guidebot_config_names_the_file_too(tmp_path: Path) -> None:
    path = write(tmp_path, "retention_days: -1\n")
    result = CliRunner().invoke(cli, ["run"], env={"GUIDEBOT_CONFIG": str(path)})
    assert result.exit_code == 1 and "retention_days" in result.output


def test_the_files_settings_reach_run_and_options_still_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file's settings become run's defaults; an option on the command line beats them."""
    seen: dict[str, object] = {}

    def fake_open_app(settings: object, *, store: bool) -> object:
        seen["settings"] = settings
        raise SystemExit(0)

    monkeypatch.setattr("bot.cli._run.open_app", fake_open_app)
    monkeypatch.setattr(
        "bot.channels.telegram.TelegramSettings",
        lambda **kw: seen.setdefault("telegram", kw),
    )
    data = tmp_path / "data"
    path = write(
        tmp_path,
        f"data_dir: {data}\njurisdiction: wales\nidle_minutes: 12\nvoice_replies: true\n"
        "webhook:\n  url: https://bot.example.police.uk/tg\n  port: 9443\n"
        "metrics:\n  port: 9102\nmessages_per_second: 20\n",
    )
    env = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "GUIDEBOT_DATA_DIR": None,
        "GUIDEBOT_CONFIG": None,
        "GUIDEBOT_AUDIT_RETENTION_DAYS": None,
    }
    result = CliRunner().invoke(cli, ["--config", str(path), "run", "--port", "7443"], env=env)
    assert result.exit_code == 0, result.output
    settings = seen["settings"]
    assert settings.data_dir == data  # type: ignore[attr-defined]
    assert settings.jurisdiction == "wales"  # type: ignore[attr-defined]
    assert settings.idle_seconds == 12 * 60  # type: ignore[attr-defined]
    assert settings.voice_replies is True  # type: ignore[attr-defined]
    telegram = seen["telegram"]
    assert telegram["webhook"].url == "https://bot.example.police.uk/tg"  # type: ignore[index]
    assert telegram["webhook"].port == 7443  # type: ignore[index]  # the option won
    assert telegram["metrics"] == ("127.0.0.1", 9102)  # type: ignore[index]
    assert telegram["messages_per_second"] == 20  # type: ignore[index]


def test_other_commands_find_the_files_data_folder(tmp_path: Path) -> None:
    from bot.app import DATABASE
    from bot.store import Store

    data = tmp_path / "data"
    Store.open(data / DATABASE).close()
    path = write(tmp_path, f"data_dir: {data}\n")
    result = CliRunner().invoke(
        cli,
        ["--config", str(path), "audit", "key"],
        env={"GUIDEBOT_DATA_DIR": None, "GUIDEBOT_AUDIT_RETENTION_DAYS": None},
    )
    assert result.exit_code == 0, result.output
    assert (data / "audit-signing.key").exists()


def test_retention_days_is_audit_purges_default(tmp_path: Path) -> None:
    from bot.app import DATABASE
    from bot.store import Store

    data = tmp_path / "data"
    Store.open(data / DATABASE).close()
    path = write(tmp_path, f"data_dir: {data}\nretention_days: 400\n")
    env = {"GUIDEBOT_DATA_DIR": None, "GUIDEBOT_AUDIT_RETENTION_DAYS": None}
    result = CliRunner().invoke(cli, ["--config", str(path), "audit", "purge"], env=env)
    assert result.exit_code == 0, result.output
    assert "older than 400 days" in result.output


def test_the_console_chat_takes_the_nation_from_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[object] = []

    def fake_open_app(settings: object, *, store: bool) -> object:
        seen.append(settings)
        raise SystemExit(0)

    monkeypatch.setattr("bot.cli._chat.open_app", fake_open_app)
    path = write(tmp_path, "jurisdiction: wales\nidle_minutes: 15\n")
    env = {"GUIDEBOT_JURISDICTION": None, "GUIDEBOT_AUDIT_RETENTION_DAYS": None}
    result = CliRunner().invoke(cli, ["--config", str(path), "chat"], env=env)
    assert result.exit_code == 0, result.output
    (settings,) = seen
    assert settings.jurisdiction == "wales"  # type: ignore[attr-defined]
    assert settings.idle_seconds == 15 * 60  # type: ignore[attr-defined]


def test_the_console_chat_needs_no_config(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["chat"], input="quit\n", env={"GUIDEBOT_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 0, result.output


def test_the_first_admin_code_is_written_once_and_enrols_an_admin(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from bot.app import DATABASE, Settings
    from bot.cli._run import first_admin_code
    from bot.keys import Keys
    from bot.store import Store
    from bot.users import Users

    data = tmp_path / "data"
    code_file = data / "first-admin.code"
    with Store.open(data / DATABASE) as store:
        app = SimpleNamespace(store=store, settings=Settings(data_dir=data))
        assert first_admin_code(app, code_file, valid_hours=1)  # type: ignore[arg-type]
        assert code_file.stat().st_mode & 0o777 == 0o600
        # a restart while the file waits mints no second code
        assert not first_admin_code(app, code_file, valid_hours=1)  # type: ignore[arg-type]
        code = code_file.read_text(encoding="utf-8").strip()
        users = Users(store, Keys.open(data))
        admin = Keys.open(data).pseudonym("user", 7_012_300_001)
        assert users.redeem(admin, code, now=time.time()).role == "admin"
        code_file.unlink()
        # once an admin is enrolled, no code is ever written again
        assert not first_admin_code(app, code_file, valid_hours=1)  # type: ignore[arg-type]
        assert not code_file.exists()
