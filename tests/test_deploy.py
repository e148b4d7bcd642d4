"""The deployment files: the Dockerfile, the compose file and the systemd unit.

Where a Docker daemon answers, the image is built. Where none does (as on most CI runners
without privileges), the Dockerfile is checked line by line and its entry command is run
directly, with the image's own environment, against the fake Bot API, and its HEALTHCHECK
is run against that process. The systemd unit is checked by ``systemd-analyze verify`` where
it exists, and for its hardening directives everywhere.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.language import read_yaml
from tests.conftest import WarmCache
from tests.fake_bot_api import FakeBotApi

DEPLOY = Path(__file__).parent.parent / "deploy"
REPOSITORY = DEPLOY.parent
TOKEN_SHAPE = re.compile(r"\d{6,}:[A-Za-z0-9_-]{30,}")


def instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuations joined."""
    joined: list[str] = []
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined]


def final_stage(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last = max(n for n, (keyword, _) in enumerate(found) if keyword == "FROM")
    return found[last:]


def image_env(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in stage:
        if keyword == "ENV":
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(args: str) -> list[str]:
    words = json.loads(args)
    assert isinstance(words, list), f"not exec form: {args}"
    return [str(word) for word in words]


DOCKERFILE = instructions(DEPLOY / "Dockerfile")
FINAL = final_stage(DOCKERFILE)


def test_the_image_is_python_311_slim_and_runs_as_a_user_not_root() -> None:
    assert [a for k, a in DOCKERFILE if k == "FROM"][-1].split()[0] == "python:3.11-slim"
    users = [args for keyword, args in FINAL if keyword == "USER"]
    assert users, "the final stage sets no USER: it would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    # nothing runs as root after the switch
    switched = max(n for n, (keyword, _) in enumerate(FINAL) if keyword == "USER")
    assert not [k for k, _ in FINAL[switched:] if k == "RUN"]


def test_the_image_keeps_its_data_on_a_volume_and_writes_nothing_else() -> None:
    env = image_env(FINAL)
    assert env["GUIDEBOT_DATA_DIR"] == "/data"
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    volumes = [exec_form(args) for keyword, args in FINAL if keyword == "VOLUME"]
    assert ["/data"] in volumes


def test_the_image_has_a_healthcheck_and_no_secret_baked_in() -> None:
    (health,) = [args for keyword, args in FINAL if keyword == "HEALTHCHECK"]
    assert "CMD" in health and "doctor" in health and "--health" in health
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert not TOKEN_SHAPE.search(text)
    for keyword, args in DOCKERFILE:
        if keyword in ("ENV", "ARG"):
            for pair in shlex.split(args):
                name, _, value = pair.partition("=")
                if re.search(r"TOKEN|SECRET|PASSWORD|KEY", name) and not name.endswith("_FILE"):
                    pytest.fail(f"{keyword} {name} would bake a secret into the image")
                if name.endswith("_FILE"):
                    assert value.startswith("/run/secrets/"), (name, value)
        if keyword == "COPY" and "--from=" not in args:  # from the build context
            sources = args.split()[:-1]
            for source in sources:
                if source.startswith("--"):
                    continue
                assert not re.search(r"\.key|secret|\.env|sqlite", source), source
                assert (REPOSITORY / source).exists(), f"COPY {source}: not in the repository"
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    for pattern in ("deploy/secrets", "**/*.key", "**/*.sqlite3*", ".venv"):
        assert pattern in ignored


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_here(command: list[str]) -> list[str]:
    """The image's command with its ``guidebot`` run from this checkout instead."""
    assert command[0] == "guidebot"
    return [sys.executable, "-m", "bot", *command[1:]]


def test_the_entry_command_runs_and_the_healthcheck_passes(tmp_path: Path) -> None:
    env = image_env(FINAL)
    (entrypoint,) = [exec_form(a) for k, a in FINAL if k == "ENTRYPOINT"]
    (cmd,) = [exec_form(a) for k, a in FINAL if k == "CMD"]
    (health,) = [a for k, a in FINAL if k == "HEALTHCHECK"]
    probe = exec_form(health.split("CMD", 1)[1].strip())
    data = tmp_path / "data"  # the volume
    data.mkdir(mode=0o700)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    port = free_port()
    with FakeBotApi.start_in_thread() as fake:
        (secrets / "telegram_token").write_text(fake.token + "\n", encoding="utf-8")
        remapped = {
            **env,
            "GUIDEBOT_DATA_DIR": str(data),
            "GUIDEBOT_TOKEN_FILE": str(secrets / "telegram_token"),
            "GUIDEBOT_METRICS_PORT": str(port),
            "GUIDEBOT_METRICS_LISTEN": "127.0.0.1",
            "PATH": os.environ["PATH"],
        }
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("GUIDEBOT_")}
        child_env.pop("TELEGRAM_BOT_TOKEN", None)
        child_env.update(remapped)
        extra = ["--api-url", fake.base_url, "--file-url", fake.file_url]
        process = subprocess.Popen(
            [*as_here(entrypoint + cmd), *extra],
            env=child_env,
            cwd=REPOSITORY,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while not fake.calls("getUpdates"):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the entry command did not start polling"
                time.sleep(0.05)
            checked = subprocess.run(
                as_here(probe), env=child_env, capture_output=True, text=True, timeout=30
            )
            assert checked.returncode == 0, checked.stdout + checked.stderr
            assert checked.stdout.startswith("PASS  health:")
        finally:
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    # Everything it wrote is in the volume, owner-only; the log is JSON lines (not a terminal).
    written = {path.name for path in data.iterdir()}
    assert {"guidebot.sqlite3", "pseudonym.key", "audit-signing.key", "cache"} <= written
    for path in data.rglob("*"):
        if path.is_file():
            assert path.stat().st_mode & 0o077 == 0, path
    for line in filter(None, err.splitlines()):
        assert json.loads(line)["level"] in ("info", "warning", "error", "debug")
    assert fake.token not in err


@pytest.mark.skipif(
    shutil.which("docker") is None
    or subprocess.run(["docker", "info"], capture_output=True).returncode != 0,
    reason="no Docker daemon reachable: the Dockerfile is linted and its entry command run",
)
def test_the_image_builds() -> None:
    built = subprocess.run(
        ["docker", "build", "-f", str(DEPLOY / "Dockerfile"), "-t", "guidebot:test", "."],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert built.returncode == 0, built.stderr[-4000:]


def test_compose_keeps_data_on_a_named_volume_and_the_token_as_a_secret() -> None:
    compose = read_yaml((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    service = compose["services"]["guidebot"]
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"
    assert service["read_only"] is True and "ALL" in service["cap_drop"]
    (volume,) = service["volumes"]
    name, target = volume.split(":")[:2]
    assert target == "/data" and name in compose["volumes"] and "/" not in name
    (secret,) = service["secrets"]
    assert "file" in compose["secrets"][secret]
    assert service["environment"]["GUIDEBOT_TOKEN_FILE"] == f"/run/secrets/{secret}"
    assert "TELEGRAM_BOT_TOKEN" not in service["environment"]
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    assert not TOKEN_SHAPE.search(text)


UNIT = DEPLOY / "guidebot.service"


def unit_settings() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key, []).append(value)
    return found


def test_the_systemd_unit_is_hardened() -> None:
    unit = unit_settings()
    assert unit["User"] == ["guidebot"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "StateDirectory": "guidebot",
        "StateDirectoryMode": "0700",
        "ReadWritePaths": "/var/lib/guidebot",
        "Restart": "on-failure",
        "KillSignal": "SIGTERM",
    }.items():
        assert unit.get(key) == [value], key
    assert unit["RestrictAddressFamilies"] == ["AF_UNIX AF_INET AF_INET6"]
    assert unit["CapabilityBoundingSet"] == [""]
    assert "ExecReload" not in unit
    assert unit["ExecStart"][0].split()[0] == "/opt/guidebot/bin/guidebot"
    assert "GUIDEBOT_TOKEN_FILE=%d/telegram_token" in unit["Environment"]
    assert not TOKEN_SHAPE.search(UNIT.read_text(encoding="utf-8"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verifies_the_unit(tmp_path: Path) -> None:
    # verify insists ExecStart's program exists: point it at this Python for the check.
    copy = tmp_path / "guidebot.service"
    copy.write_text(
        UNIT.read_text(encoding="utf-8").replace("/opt/guidebot/bin/guidebot", sys.executable),
        encoding="utf-8",
    )
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert "Unknown" not in checked.stderr and "Invalid" not in checked.stderr, checked.stderr


def test_sigterm_mid_answer_then_restart_loses_nothing(
    tmp_path: Path, warm_cache: WarmCache
) -> None:
    """A stop from the platform (docker stop, systemctl stop) while an answer is in hand.

    tests/test_telegram.py stops the bot between messages and kills it outright; here SIGTERM
    lands while the officer's answer is being handled, and the restarted bot must know it.
    """
    from bot.app import DATABASE
    from bot.store import Store
    from tests.telegram_harness import BotProcess, Officer

    warm_cache.seed(tmp_path)
    with FakeBotApi.start_in_thread() as fake:
        person = Officer(fake, 7_099_000_077)
        with BotProcess(fake, tmp_path) as first:
            first.wait_ready()
            person.enrol(tmp_path)
            person.send("/start")
            person.press("First contact")
            fake.delay = 0.4  # every Bot API call now takes a while
            sent = fake.send_text(person.id, "no, the child is safe now")
            fake.wait_for(
                lambda: any(
                    t.update_id == sent.update_id and t.delivered_at is not None
                    for t in fake.timings()
                ),
                timeout=10,
            )
            code, _out, err = first.stop()  # SIGTERM with the answer in hand
            assert code == 0, err
        fake.delay = 0.0
        assert "What immediate needs" in person.chat[-1].text  # the reply got out
        with Store.open(tmp_path / DATABASE) as store:
            (checkpoint,) = store.checkpoints()  # signed at shutdown, covering the answer
            assert checkpoint.reason == "shutdown"
            assert checkpoint.size == len(store.leaf_hashes())
        with BotProcess(fake, tmp_path) as second:
            second.wait_ready()
            replies = person.send("/summary")
            assert any("Child in danger now: no" in m.text for m in replies)
            assert second.stop()[0] == 0


def test_the_install_steps_let_the_service_user_read_its_config() -> None:
    """The unit runs as guidebot and reads GUIDEBOT_CONFIG: a root-only folder stops its start."""
    settings = unit_settings()
    (user,) = settings["User"]
    config = next(
        v.split("=", 1)[1] for v in settings["Environment"] if v.startswith("GUIDEBOT_CONFIG=")
    )
    steps = [line.lstrip("# ").strip() for line in UNIT.read_text(encoding="utf-8").splitlines()]
    installs = [step.split() for step in steps if step.startswith("install ")]
    for target in (str(Path(config).parent), config):
        (made,) = [words for words in installs if target in words]
        assert "-g" in made and made[made.index("-g") + 1] == user, made
