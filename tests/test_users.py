"""Who may use the bot: one-time codes, throttled guessing, roles, the CLI, and no ids on disk."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot.app import DATABASE
from bot.cli._keys import keys as keys_group
from bot.cli._users import users as users_group
from bot.keys import PSEUDONYM_KEY_FILE, Keys, KeysError
from bot.store import Store
from bot.users import (
    CODE_ALPHABET,
    ROLES,
    Redemption,
    Users,
    UsersError,
    delay_after,
    keys_for,
    new_code,
    normalise_code,
)

NOW = 1_800_000_000.0
"""A fixed clock: every time in these tests is NOW plus a known number of seconds."""

OFFICER_ID = 7012345678
"""A realistic Telegram user id (ten digits, as private chats' ids are too)."""

CODE_PATTERN = r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def keys(data_dir: Path) -> Keys:
    return Keys.open(data_dir)


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    with Store.open(data_dir / DATABASE) as opened:
        yield opened


@pytest.fixture
def users(store: Store, keys: Keys) -> Users:
    return Users(store, keys)


@pytest.fixture
def officer(keys: Keys) -> str:
    return keys.pseudonym("user", OFFICER_ID)


# Codes


def test_a_code_is_three_groups_of_four_unambiguous_characters() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert re.fullmatch(CODE_PATTERN, code)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 31


@pytest.mark.parametrize(
    "typed",
    ["K7QF-M2PX-9HRT", "k7qf-m2px-9hrt", "K7QFM2PX9HRT", " k7qf m2px 9hrt ", "K7QF–M2PX—9HRT"],
)
def test_a_code_is_read_whatever_the_case_spaces_and_dashes(typed: str) -> None:
    assert normalise_code(typed) == "K7QF-M2PX-9HRT"


@pytest.mark.parametrize(
    "typed", ["", "K7QF-M2PX", "K7QF-M2PX-9HRTX", "K7QF-M2PX-9HR0", "O7QF-M2PX-9HRT"]
)
def test_text_that_is_not_shaped_like_a_code_is_not_a_code(typed: str) -> None:
    assert normalise_code(typed) is None


def test_a_code_enrols_with_its_role_once(users: Users, keys: Keys, officer: str) -> None:
    made = users.create_code("supervisor", now=NOW)
    assert made.expires_at == NOW + 24 * 60 * 60
    assert made.code not in repr(made)
    redeemed = users.redeem(officer, made.code.lower().replace("-", " "), NOW + 5)
    assert redeemed == Redemption(role="supervisor")
    assert redeemed.enrolled
    assert redeemed.message == "You're enrolled as a supervisor. Send /start to begin."
    assert users.role_of(officer, NOW + 6) == "supervisor"

    someone_else = keys.pseudonym("user", OFFICER_ID + 1)
    again = users.redeem(someone_else, made.code, NOW + 7)
    assert again == Redemption(refusal="used")
    assert again.message == (
        "That code has been used already. Each code works once: ask for a new one."
    )
    assert users.role_of(someone_else, NOW + 8) is None


def test_a_code_works_until_the_moment_it_expires(users: Users, keys: Keys) -> None:
    in_time = users.create_code("officer", now=NOW, valid_for=3600)
    too_late = users.create_code("officer", now=NOW, valid_for=3600)
    first, second = keys.pseudonym("user", 1), keys.pseudonym("user", 2)
    assert users.redeem(first, in_time.code, NOW + 3599.999) == Redemption(role="officer")
    expired = users.redeem(second, too_late.code, NOW + 3600)
    assert expired == Redemption(refusal="expired")
    assert expired.message == "That code has expired. Ask for a new one."


def test_codes_are_refused_when_they_would_work_for_no_time_or_too_long(users: Users) -> None:
    with pytest.raises(UsersError, match=r"^a code must work for some time: choose up to 30d"):
        users.create_code("officer", now=NOW, valid_for=0)
    with pytest.raises(UsersError, match=r"^a code can work for at most 30 days, not 31 days: "):
        users.create_code("officer", now=NOW, valid_for=31 * 24 * 3600)
    with pytest.raises(UsersError, match=r", not 722 hours: choose a shorter time, such as 7d$"):
        users.create_code("officer", now=NOW, valid_for=(30 * 24 + 2) * 3600)
    with pytest.raises(UsersError, match="there is no role 'boss': use one of officer, trainer"):
        users.create_code("boss", now=NOW)  # type: ignore[arg-type]


def test_an_unknown_and_a_malformed_code_are_told_apart(users: Users, officer: str) -> None:
    unknown = users.redeem(officer, "AAAA-BBBB-CCCC", NOW)
    assert unknown == Redemption(refusal="unknown")
    assert "isn't one I know. Check it for typos" in unknown.message
    malformed = users.redeem(officer, "hello", NOW)
    assert malformed == Redemption(refusal="malformed")
    assert "like K7QF-M2PX-9HRT" in malformed.message


def _scanned_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


def test_codes_are_kept_only_as_hashes(users: Users, store: Store, data_dir: Path) -> None:
    made = [users.create_code("officer", now=NOW) for _ in range(5)]
    users.redeem("u-someone", made[0].code, NOW + 1)
    assert (data_dir / (DATABASE + "-wal")).exists()  # the newest rows are in the log
    for scan in (_scanned_bytes(data_dir),):
        for code in made:
            for form in (code.code, code.code.replace("-", ""), code.code.lower()):
                assert form.encode() not in scan, form
    store.close()  # the log is folded into the database file: scan that too
    scan = _scanned_bytes(data_dir)
    for code in made:
        assert code.code.replace("-", "").encode() not in scan
        assert code.code.encode() not in scan


def test_two_people_sending_one_code_at_once_enrol_only_one(
    users: Users, data_dir: Path, keys: Keys
) -> None:
    made = users.create_code("officer", now=NOW)
    barrier = threading.Barrier(4)
    results: list[Redemption] = []

    def attempt(number: int) -> None:
        with Store.open(data_dir / DATABASE) as own:  # each its own connection, like processes
            barrier.wait()
            results.append(Users(own, keys).redeem(f"u-person{number}", made.code, NOW + 1))

    threads = [threading.Thread(target=attempt, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(str(result.refusal) for result in results) == ["None", "used", "used", "used"]


# Throttling


def test_the_wait_after_wrong_codes_doubles_from_30_seconds_to_an_hour() -> None:
    assert [delay_after(failures) for failures in range(12)] == [
        0, 0, 0, 30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert delay_after(10**9) == 3600


def test_wrong_codes_are_slowed_and_a_right_one_is_not_used_up_meanwhile(
    users: Users, officer: str
) -> None:
    right = users.create_code("officer", now=NOW, valid_for=7 * 24 * 3600).code
    wrong = "AAAA-BBBB-CCCC"
    assert users.redeem(officer, wrong, NOW).refusal == "unknown"
    assert users.redeem(officer, wrong, NOW + 1).refusal == "unknown"
    assert users.redeem(officer, wrong, NOW + 2).refusal == "unknown"  # the third: wait 30 s

    throttled = users.redeem(officer, right, NOW + 2)
    assert throttled == Redemption(refusal="throttled", wait_seconds=30)
    assert throttled.message == "Too many wrong codes. Wait 30 seconds, then try again."
    assert users.redeem(officer, right, NOW + 31.5) == Redemption(
        refusal="throttled", wait_seconds=1
    )
    assert users.role_of(officer, NOW + 31.5) is None

    # Each wrong code after the wait doubles the next wait, up to an hour.
    last = NOW + 2
    for wait in (30, 60, 120, 240, 480, 960, 1920, 3600, 3600):
        assert users.redeem(officer, wrong, last + wait - 0.5).wait_seconds == 1
        last += wait
        assert users.redeem(officer, wrong, last).refusal == "unknown"
    assert users.redeem(officer, right, last + 10) == Redemption(
        refusal="throttled", wait_seconds=3590
    )
    assert "Wait 60 minutes" in users.redeem(officer, right, last + 10).message

    # The right code was never used up, and enrolling forgets the wrong ones.
    assert users.redeem(officer, right, last + 3600) == Redemption(role="officer")
    assert users.redeem(officer, wrong, last + 3601).refusal == "unknown"
    assert users.redeem(officer, wrong, last + 3601).refusal == "unknown"


def test_text_that_is_not_a_code_does_not_count_as_a_wrong_code(users: Users, officer: str) -> None:
    for attempt in range(10):
        assert users.redeem(officer, "please let me in", NOW + attempt).refusal == "malformed"
    made = users.create_code("trainer", now=NOW)
    assert users.redeem(officer, made.code, NOW + 11) == Redemption(role="trainer")


def test_one_persons_wrong_codes_do_not_slow_another(users: Users, keys: Keys) -> None:
    guesser, officer = keys.pseudonym("user", 1), keys.pseudonym("user", 2)
    for attempt in range(5):
        users.redeem(guesser, "AAAA-BBBB-CCCC", NOW + attempt * 1000)
    made = users.create_code("officer", now=NOW)
    assert users.redeem(officer, made.code, NOW + 4000) == Redemption(role="officer")


# Roles


def test_enrolling_again_with_a_new_code_sets_the_new_role(users: Users, officer: str) -> None:
    users.redeem(officer, users.create_code("officer", now=NOW).code, NOW + 1)
    users.redeem(officer, users.create_code("supervisor", now=NOW).code, NOW + 2)
    assert users.role_of(officer, NOW + 3) == "supervisor"
    assert [(user.pseudonym, user.role, user.enrolled_at) for user in users.list_users()] == [
        (officer, "supervisor", NOW + 2)
    ]


def test_a_revoked_user_has_no_role_until_given_a_new_code(users: Users, officer: str) -> None:
    users.redeem(officer, users.create_code("officer", now=NOW).code, NOW + 1)
    users.revoke(officer, NOW + 10)
    assert users.role_of(officer, NOW + 10) is None
    users.revoke(officer, NOW + 20)  # revoking twice keeps the first time
    assert users.list_users()[0].revoked_at == NOW + 10
    users.redeem(officer, users.create_code("trainer", now=NOW).code, NOW + 30)
    assert users.role_of(officer, NOW + 31) == "trainer"
    assert users.list_users()[0].revoked_at is None


def test_an_enrolment_with_a_time_limit_ends_at_that_moment(users: Users, officer: str) -> None:
    made = users.create_code("officer", now=NOW, access_for=7 * 24 * 3600)
    users.redeem(officer, made.code, NOW + 100)
    ends = NOW + 100 + 7 * 24 * 3600
    assert users.list_users()[0].expires_at == ends
    assert users.role_of(officer, ends - 0.001) == "officer"
    assert users.role_of(officer, ends) is None


def test_an_unknown_person_has_no_role(users: Users, officer: str) -> None:
    assert users.role_of(officer, NOW) is None


def test_set_role_changes_only_the_role(users: Users, officer: str) -> None:
    users.redeem(officer, users.create_code("officer", now=NOW, access_for=60).code, NOW)
    users.set_role(officer, "admin")
    assert users.role_of(officer, NOW + 1) == "admin"
    assert users.list_users()[0].expires_at == NOW + 60


def test_changing_an_unknown_user_says_so(users: Users) -> None:
    with pytest.raises(UsersError, match=r"no user has the pseudonym 'u-nobody': check it"):
        users.revoke("u-nobody", NOW)
    with pytest.raises(UsersError, match=r"no user has the pseudonym 'u-nobody'"):
        users.set_role("u-nobody", "admin")
    with pytest.raises(UsersError, match="there is no role 'chief'"):
        users.set_role("u-nobody", "chief")  # type: ignore[arg-type]


def test_after_a_key_rotation_no_one_is_recognised_and_old_codes_stop_working(
    users: Users, keys: Keys
) -> None:
    before = keys.pseudonym("user", OFFICER_ID)
    users.redeem(before, users.create_code("officer", now=NOW).code, NOW)
    waiting = users.create_code("officer", now=NOW)
    keys.rotate()
    after = keys.pseudonym("user", OFFICER_ID)
    assert users.role_of(after, NOW + 1) is None
    assert users.role_of(before, NOW + 1) is None  # even if someone still had the old name
    assert users.redeem(after, waiting.code, NOW + 2).refusal == "unknown"
    users.redeem(after, users.create_code("officer", now=NOW).code, NOW + 3)
    assert users.role_of(after, NOW + 4) == "officer"
    assert {user.key_period for user in users.list_users()} == {1, 2}


def test_roles_are_the_four_the_bot_knows() -> None:
    assert ROLES == ("officer", "trainer", "supervisor", "admin")


# Nothing identifying on disk


def test_no_file_in_the_data_directory_holds_a_telegram_id(
    users: Users, keys: Keys, store: Store, data_dir: Path
) -> None:
    ids = [7012345678, 5234567890, 6987654321]
    for number, telegram_id in enumerate(ids):
        person = keys.pseudonym("user", telegram_id)
        made = users.create_code(ROLES[number], now=NOW, access_for=3600)
        users.redeem(person, "AAAA-BBBB-CCCC", NOW + number)  # a failure is kept too
        assert users.redeem(person, made.code, NOW + 10 + number).enrolled
        chat = keys.pseudonym("chat", telegram_id)
        store.save_contact(chat, keys.seal(str(telegram_id)), now=NOW)
        assert keys.unseal(store.contact(chat) or "") == str(telegram_id)
    users.set_role(keys.pseudonym("user", ids[0]), "admin")
    users.revoke(keys.pseudonym("user", ids[1]), NOW + 100)

    def forms(telegram_id: int) -> list[bytes]:
        return [
            str(telegram_id).encode(),
            f"{telegram_id:x}".encode(),
            f"{telegram_id:X}".encode(),
            telegram_id.to_bytes(5, "big"),  # how SQLite would store it as an integer
            telegram_id.to_bytes(5, "little"),
        ]

    assert (data_dir / (DATABASE + "-wal")).exists()
    for moment in ("while open", "after closing"):
        scan = _scanned_bytes(data_dir)
        for telegram_id in ids:
            for form in forms(telegram_id):
                assert form not in scan, (moment, telegram_id, form)
        store.close()


def test_a_contact_is_kept_sealed_replaced_and_forgotten(store: Store, keys: Keys) -> None:
    chat = keys.pseudonym("chat", OFFICER_ID)
    assert store.contact(chat) is None
    store.save_contact(chat, keys.seal("1"), now=NOW)
    store.save_contact(chat, keys.seal(str(OFFICER_ID)), now=NOW + 1)
    assert keys.unseal(store.contact(chat) or "") == str(OFFICER_ID)
    store.forget_contact(chat)
    store.forget_contact(chat)
    assert store.contact(chat) is None


# The command line


def _invoke(group: click.Group, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(group, list(args))
    return result.exit_code, result.output


def test_enrol_prints_a_code_that_the_bot_then_accepts(data_dir: Path) -> None:
    code, output = _invoke(users_group, "enrol", "--data-dir", str(data_dir), "--role", "officer")
    assert code == 0, output
    lines = output.splitlines()
    assert len(lines) == 3
    made = re.fullmatch(rf"Enrolment code for an officer: ({CODE_PATTERN})", lines[0])
    assert made, lines[0]
    until = r"\d{4}-\d\d-\d\d \d\d:\d\d \S+"
    assert re.fullmatch(
        rf"It works once, until {until} \(24 hours\), and is not shown again\.", lines[1]
    )
    assert lines[2] == f"The officer sends /enrol {made.group(1)} to the bot in a private chat."

    keys = Keys.open(data_dir)
    # The command read the real clock, so the code is redeemed on it too.
    with Store.open(data_dir / DATABASE) as store:
        library = Users(store, keys)
        person = keys.pseudonym("user", OFFICER_ID)
        assert library.redeem(person, made.group(1), time.time()).role == "officer"
        assert library.role_of(person, time.time()) == "officer"


@pytest.mark.parametrize(("typed", "seconds", "words"), [
    ("90m", 90 * 60, "90 minutes"),
    ("24h", 24 * 3600, "24 hours"),
    ("7d", 7 * 24 * 3600, "7 days"),
])  # fmt: skip
def test_enrol_takes_how_long_the_code_works(
    data_dir: Path, typed: str, seconds: int, words: str
) -> None:
    code, output = _invoke(
        users_group, "enrol", "--data-dir", str(data_dir), "--role", "admin", "--expires", typed
    )
    assert code == 0, output
    assert f"({words})" in output
    with sqlite3.connect(data_dir / DATABASE) as connection:
        rows = connection.execute("SELECT expires_at - created_at, role FROM enrolment_codes")
        assert rows.fetchall() == [(seconds, "admin")]
    connection.close()


def test_enrol_refuses_a_time_it_cannot_read_or_that_is_too_long(data_dir: Path) -> None:
    code, output = _invoke(
        users_group, "enrol", "--data-dir", str(data_dir), "--role", "officer", "--expires", "2w"
    )
    assert code == 2
    assert "'2w' is not a length of time: write a whole number and m, h or d" in output
    code, output = _invoke(
        users_group, "enrol", "--data-dir", str(data_dir), "--role", "officer", "--expires", "31d"
    )
    assert code == 1
    assert output == (
        "Error: a code can work for at most 30 days, not 31 days: choose a shorter time, "
        "such as 7d\n"
    )


def test_list_revoke_and_set_role_from_the_command_line(data_dir: Path) -> None:
    folder = str(data_dir)
    assert _invoke(users_group, "list", "--data-dir", folder) == (
        0,
        "No one is enrolled yet. Make a code with: guidebot users enrol --role officer\n",
    )
    keys = Keys.open(data_dir)
    person = keys.pseudonym("user", OFFICER_ID)
    with Store.open(data_dir / DATABASE) as store:
        library = Users(store, keys)
        chat = keys.pseudonym("chat", OFFICER_ID)
        code_made = library.create_code("officer", now=NOW).code
        library.redeem(person, code_made, NOW + 1, conversation=chat)

    code, output = _invoke(users_group, "list", "--data-dir", folder)
    assert code == 0
    header, row, total = output.splitlines()
    assert header.split() == [
        "pseudonym", "role", "enrolled", "expires", "revoked", "period", "conversations"
    ]  # fmt: skip
    assert row.startswith(f"{person}  officer  ")
    assert row.split()[-4:] == ["-", "-", "1", chat]
    assert total == "1 enrolled, 1 active now."

    assert _invoke(users_group, "set-role", "--data-dir", folder, person.upper(), "trainer") == (
        0,
        f"{person} is now a trainer.\n",
    )
    assert _invoke(users_group, "revoke", "--data-dir", folder, person) == (
        0,
        f"Revoked {person}: they can no longer use guidebot.\n",
    )
    with Store.open(data_dir / DATABASE) as store:
        [user] = Users(store, keys).list_users()
    assert user.role == "trainer" and user.revoked_at is not None
    code, output = _invoke(users_group, "revoke", "--data-dir", folder, person)
    assert (code, output.startswith(f"{person} was already revoked on ")) == (0, True)
    assert output.endswith(": nothing changed.\n")  # not "Revoked" as if it happened now

    code, output = _invoke(users_group, "revoke", "--data-dir", folder, "u-nobody")
    assert code == 1
    assert output == (
        "Error: no user has the pseudonym 'u-nobody': check it against the list of users "
        "(guidebot users list)\n"
    )


def test_keys_show_and_rotate_from_the_command_line(data_dir: Path) -> None:
    folder = str(data_dir)
    code, output = _invoke(keys_group, "show", "--data-dir", folder)
    assert code == 0
    assert output == (
        "Key period: 1\n"
        f"Pseudonym key: {data_dir / 'pseudonym.key'}\n"
        f"Seal key: {data_dir / 'seal.key'}\n"
        "Earlier keys kept: none\n"
    )
    for secret in (data_dir / "pseudonym.key", data_dir / "seal.key"):
        assert secret.read_text().strip()[-20:] not in output

    code, output = _invoke(keys_group, "rotate", "--data-dir", folder)
    assert code == 0
    assert output.splitlines() == [
        "Key period is now 2.",
        "Warning: pseudonyms from now on will not match earlier ones. Everyone must enrol again "
        "with a new code (guidebot users enrol), and codes not yet used no longer work.",
        "The old key is gone, so earlier pseudonyms can never be linked to new ones.",
        "Restart the bot so it uses the new key.",
    ]
    code, output = _invoke(keys_group, "rotate", "--data-dir", folder, "--keep-old")
    assert code == 0
    assert f"The old key is kept in {data_dir / 'pseudonym.key'}" in output
    assert "Earlier keys kept: 2\n" in _invoke(keys_group, "show", "--data-dir", folder)[1]


def test_a_damaged_key_file_stops_the_command_with_its_message(data_dir: Path) -> None:
    Keys.open(data_dir)
    (data_dir / "pseudonym.key").write_text("{}")
    code, output = _invoke(users_group, "enrol", "--data-dir", str(data_dir), "--role", "officer")
    assert code == 1
    assert output.startswith(f"Error: {data_dir / 'pseudonym.key'}: not a usable guidebot key")


def _leaves(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    return [(f"{prefix} {name}", command) for name, command in sorted(group.commands.items())]


@pytest.mark.parametrize(
    ("path", "command"),
    _leaves(users_group, "guidebot users") + _leaves(keys_group, "guidebot keys"),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_users_and_keys_command_has_help_and_data_dir(
    path: str, command: click.Command
) -> None:
    assert command.help and len(command.help.strip()) > 20, path
    assert "data_dir" in {param.name for param in command.params}


# A lost pseudonym key


def _enrolled_then_key_lost(data_dir: Path) -> str:
    """A store with one enrolled officer whose pseudonym key file has since gone missing."""
    keys = Keys.open(data_dir)
    with Store.open(data_dir / DATABASE) as store:
        library = Users(store, keys)
        code = library.create_code("officer", now=NOW)
        person = keys.pseudonym("user", OFFICER_ID)
        assert library.redeem(person, code.code, NOW).enrolled
    (data_dir / PSEUDONYM_KEY_FILE).unlink()
    return person


def test_a_missing_key_beside_enrolled_officers_is_refused_not_made_anew(data_dir: Path) -> None:
    _enrolled_then_key_lost(data_dir)
    with Store.open(data_dir / DATABASE) as store, pytest.raises(KeysError) as refused:
        keys_for(store, data_dir)
    assert "officers are enrolled in this database: restore pseudonym.key from your backup" in (
        str(refused.value)
    )
    assert not (data_dir / PSEUDONYM_KEY_FILE).exists(), "no new key was made"


def test_a_new_install_still_gets_its_first_key(data_dir: Path) -> None:
    with Store.open(data_dir / DATABASE) as store:
        made = keys_for(store, data_dir)
        assert (data_dir / PSEUDONYM_KEY_FILE).exists()
        assert keys_for(store, data_dir).pseudonym("user", OFFICER_ID) == made.pseudonym(
            "user", OFFICER_ID
        )


@pytest.mark.parametrize(
    "command",
    [
        ("users", "list"),
        ("users", "enrol", "--role", "officer"),
        ("keys", "show"),
        ("keys", "rotate"),
    ],
)
def test_the_commands_refuse_to_replace_a_lost_key_beside_enrolled_officers(
    data_dir: Path, command: tuple[str, ...]
) -> None:
    _enrolled_then_key_lost(data_dir)
    group = users_group if command[0] == "users" else keys_group
    code, output = _invoke(group, *command[1:], "--data-dir", str(data_dir))
    assert code == 1, output
    assert output.startswith(f"Error: No pseudonym key at {data_dir / PSEUDONYM_KEY_FILE}, but")
    assert "Traceback" not in output
    assert not (data_dir / PSEUDONYM_KEY_FILE).exists()


def test_keys_new_replaces_only_a_lost_key_and_says_everyone_enrols_again(data_dir: Path) -> None:
    person = _enrolled_then_key_lost(data_dir)
    code, output = _invoke(keys_group, "new", "--data-dir", str(data_dir))
    assert code == 0, output
    assert "Every officer enrolled before must enrol again" in output
    with Store.open(data_dir / DATABASE) as store:
        keys = keys_for(store, data_dir)  # the new key is there now: no refusal
        assert keys.pseudonym("user", OFFICER_ID) != person
    code, output = _invoke(keys_group, "new", "--data-dir", str(data_dir))
    assert code == 1
    assert "'keys new' only replaces a lost key. To change it, use 'guidebot keys rotate'." in (
        output
    )
