"""The keys: pseudonyms stable within a period and unlinkable across, private files, sealing."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot._private import write_private_file
from bot.keys import PSEUDONYM_KEY_FILE, SEAL_KEY_FILE, Keys, KeysError, SealError
from tests.conftest import ROOT

posix_only = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows has no owner/group/other permission bits"
)

TELEGRAM_ID = 7012345678


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


# Pseudonyms


def test_a_pseudonym_is_a_kind_letter_and_twenty_base32_characters(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    assert re.fullmatch(r"u-[a-z2-7]{20}", keys.pseudonym("user", TELEGRAM_ID))
    assert re.fullmatch(r"c-[a-z2-7]{20}", keys.pseudonym("chat", TELEGRAM_ID))
    assert re.fullmatch(r"o-[a-z2-7]{20}", keys.pseudonym("officer", TELEGRAM_ID))


def test_the_same_id_gets_the_same_pseudonym_after_reopening(data_dir: Path) -> None:
    first = Keys.open(data_dir).pseudonym("user", TELEGRAM_ID)
    again = Keys.open(data_dir)
    assert again.pseudonym("user", TELEGRAM_ID) == first
    assert again.pseudonym("user", str(TELEGRAM_ID)) == first  # ids may arrive as text
    assert again.period == 1


def test_kinds_and_values_get_unrelated_pseudonyms(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    made = {
        keys.pseudonym("user", TELEGRAM_ID),
        keys.pseudonym("chat", TELEGRAM_ID),
        keys.pseudonym("officer", TELEGRAM_ID),
        keys.pseudonym("user", TELEGRAM_ID + 1),
        keys.pseudonym("chat", TELEGRAM_ID + 1),
    }
    assert len(made) == 5
    bodies = {pseudonym[2:] for pseudonym in made}
    assert len(bodies) == 5  # not merely a different prefix on the same hash


def test_another_data_directory_has_another_key(tmp_path: Path) -> None:
    one = Keys.open(tmp_path / "one").pseudonym("user", TELEGRAM_ID)
    two = Keys.open(tmp_path / "two").pseudonym("user", TELEGRAM_ID)
    assert one != two


def test_a_bool_or_an_unknown_kind_is_a_programming_mistake(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    with pytest.raises(ValueError, match="int or a str"):
        keys.pseudonym("user", True)
    with pytest.raises(ValueError, match="unknown pseudonym kind 'group'"):
        keys.pseudonym("group", 1)  # type: ignore[arg-type]


# Files and their permissions


@posix_only
def test_key_files_are_owner_only_in_owner_only_folders(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    old_umask = os.umask(0o022)  # a typical umask would leave new files world-readable
    try:
        Keys.open(data_dir)
    finally:
        os.umask(old_umask)
    assert mode(data_dir) == 0o700
    assert mode(data_dir.parent) == 0o700
    assert mode(data_dir / PSEUDONYM_KEY_FILE) == 0o600
    assert mode(data_dir / SEAL_KEY_FILE) == 0o600


@posix_only
def test_a_rotated_key_file_stays_owner_only(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    keys.rotate()
    assert mode(data_dir / PSEUDONYM_KEY_FILE) == 0o600


def test_the_key_is_never_in_a_repr_or_the_directory_listing(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    stored = json.loads((data_dir / PSEUDONYM_KEY_FILE).read_text())["keys"]["1"]
    seal_key = (data_dir / SEAL_KEY_FILE).read_text().strip()
    assert repr(keys) == f"Keys(period=1, key_file={data_dir / PSEUDONYM_KEY_FILE})"
    assert stored not in repr(keys) and seal_key not in repr(keys)
    assert sorted(path.name for path in data_dir.iterdir()) == [PSEUDONYM_KEY_FILE, SEAL_KEY_FILE]


def test_a_damaged_key_file_is_refused_without_echoing_it(data_dir: Path) -> None:
    Keys.open(data_dir)
    key_file = data_dir / PSEUDONYM_KEY_FILE
    key_file.write_text("secret-looking junk")
    with pytest.raises(KeysError) as refused:
        Keys.open(data_dir)
    message = str(refused.value)
    assert message.startswith(f"{key_file}: not a usable guidebot key file (it is not JSON)")
    assert "restore it from a backup" in message
    assert "junk" not in message


def test_a_key_file_that_cannot_be_read_is_refused_plainly(data_dir: Path) -> None:
    (data_dir / PSEUDONYM_KEY_FILE).mkdir(parents=True)
    with pytest.raises(KeysError, match=r"pseudonym\.key: cannot read the key file \("):
        Keys.open(data_dir)


def test_a_damaged_seal_key_says_what_moving_it_aside_costs(data_dir: Path) -> None:
    Keys.open(data_dir)
    (data_dir / SEAL_KEY_FILE).write_text("not a key\n")
    with pytest.raises(KeysError, match=r"does not hold a seal key.*message a chat unprompted"):
        Keys.open(data_dir)


def test_writing_a_file_that_now_exists_keeps_the_first_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "first"
    target.write_bytes(b"first")
    with pytest.raises(FileExistsError):
        write_private_file(target, b"second", what="a test file", replace=False)
    assert target.read_bytes() == b"first"
    assert [path.name for path in tmp_path.iterdir()] == ["first"]


# Keys given in the settings


def test_a_key_given_as_bytes_is_used_and_cannot_be_rotated_here(tmp_path: Path) -> None:
    secret = bytes(range(32))
    one = Keys.open(tmp_path / "one", secret=secret)
    two = Keys.open(tmp_path / "two", secret=secret)
    assert one.pseudonym("user", TELEGRAM_ID) == two.pseudonym("user", TELEGRAM_ID)
    assert one.period == 1 and one.key_file is None
    assert not (tmp_path / "one" / PSEUDONYM_KEY_FILE).exists()
    with pytest.raises(KeysError, match=r"given in the settings.*put a new key in the settings"):
        one.rotate()


def test_a_short_key_in_the_settings_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KeysError, match="is 16 bytes: use at least 32 random bytes"):
        Keys.open(tmp_path, secret=b"0123456789abcdef")


def test_a_key_file_named_in_the_settings_is_made_and_used_there(tmp_path: Path) -> None:
    elsewhere = tmp_path / "secrets" / "guidebot.key"
    keys = Keys.open(tmp_path / "data", secret=elsewhere)
    assert keys.key_file == elsewhere and elsewhere.exists()
    assert not (tmp_path / "data" / PSEUDONYM_KEY_FILE).exists()
    again = Keys.open(tmp_path / "other", secret=elsewhere)
    assert again.pseudonym("chat", 5) == keys.pseudonym("chat", 5)


# Key periods


def test_rotation_starts_a_new_period_with_unrelated_pseudonyms(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    before = keys.pseudonym("user", TELEGRAM_ID)
    assert keys.rotate() == 2
    after = keys.pseudonym("user", TELEGRAM_ID)
    assert keys.period == 2 and after != before
    reopened = Keys.open(data_dir)
    assert reopened.period == 2
    assert reopened.pseudonym("user", TELEGRAM_ID) == after


def test_rotation_discards_the_old_key_unless_told_to_keep_it(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    first = keys.pseudonym("user", TELEGRAM_ID)
    keys.rotate()
    assert keys.kept_periods == ()
    assert list(json.loads((data_dir / PSEUDONYM_KEY_FILE).read_text())["keys"]) == ["2"]
    with pytest.raises(KeysError, match="key for period 1 was not kept"):
        keys.pseudonym("user", TELEGRAM_ID, period=1)

    second = keys.pseudonym("user", TELEGRAM_ID)
    assert keys.rotate(keep_old=True) == 3
    reopened = Keys.open(data_dir)
    assert reopened.kept_periods == (2,)
    assert reopened.pseudonym("user", TELEGRAM_ID, period=2) == second != first
    assert reopened.pseudonym("user", TELEGRAM_ID) not in {first, second}


def test_rotation_reads_the_file_again_so_another_process_rotation_is_not_undone(
    data_dir: Path,
) -> None:
    ours = Keys.open(data_dir)
    Keys.open(data_dir).rotate()  # another process
    assert ours.rotate() == 3


def test_a_rotation_killed_before_the_rename_leaves_the_old_key_working(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    before = keys.pseudonym("user", TELEGRAM_ID)
    # A real crash: the process dies at the rename, so no cleanup code of ours gets to run.
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from bot.keys import Keys

        os.replace = lambda *args: os._exit(9)
        Keys.open(Path({str(data_dir)!r})).rotate()
        """
    )
    crashed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=False)
    assert crashed.returncode == 9
    leftovers = [path.name for path in data_dir.iterdir() if path.name.endswith(".new")]
    assert len(leftovers) == 1  # the new key, written but never put in place

    survivor = Keys.open(data_dir)
    assert survivor.period == 1
    assert survivor.pseudonym("user", TELEGRAM_ID) == before
    assert survivor.rotate() == 2  # the stray file is no obstacle to the next rotation
    assert Keys.open(data_dir).pseudonym("user", TELEGRAM_ID) != before


# Sealing chat ids


def test_a_sealed_chat_id_unseals_to_itself_and_shows_nothing(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    token = keys.seal(str(TELEGRAM_ID))
    assert str(TELEGRAM_ID) not in token
    assert keys.seal(str(TELEGRAM_ID)) != token  # tokens cannot even be compared
    assert Keys.open(data_dir).unseal(token) == str(TELEGRAM_ID)


def test_a_sealed_token_survives_a_pseudonym_key_rotation(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    token = keys.seal("-1001234567890")
    keys.rotate()
    assert keys.unseal(token) == "-1001234567890"


def test_a_tampered_token_is_refused(data_dir: Path) -> None:
    keys = Keys.open(data_dir)
    token = keys.seal(str(TELEGRAM_ID))
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    with pytest.raises(SealError, match="sealed under another key or has been altered"):
        keys.unseal(tampered)
    with pytest.raises(SealError):
        keys.unseal("not a token at all é")


def test_a_token_sealed_under_another_key_is_refused(tmp_path: Path) -> None:
    token = Keys.open(tmp_path / "one").seal(str(TELEGRAM_ID))
    other = Keys.open(tmp_path / "two")
    with pytest.raises(SealError) as refused:
        other.unseal(token)
    assert str(tmp_path / "two" / SEAL_KEY_FILE) in str(refused.value)


def test_a_chat_sealed_under_a_lost_seal_key_is_sealed_again_when_its_officer_writes(
    data_dir: Path,
) -> None:
    """The seal key is replaced, not refused: each chat mends at its officer's next message."""
    from bot.channels.telegram import Contacts
    from bot.store import Store

    with Store.open(data_dir / "guidebot.sqlite3") as store:
        Contacts(store, Keys.open(data_dir)).remember("c-one", TELEGRAM_ID, now=1.0)
        (data_dir / SEAL_KEY_FILE).unlink()
        renewed = Keys.open(data_dir)
        assert renewed.seal_key_made and store.contact_count() == 1
        contacts = Contacts(store, renewed)  # a restarted bot, under the new seal key
        assert contacts.chat_of("c-one") is None  # no idle notice: the old token does not open
        contacts.remember("c-one", TELEGRAM_ID, now=2.0)
        assert contacts.chat_of("c-one") == TELEGRAM_ID
        assert not Keys.open(data_dir).seal_key_made  # kept, not made again at the next start


def test_a_new_seal_key_warns_only_where_chats_were_sealed_under_the_old_one(
    data_dir: Path,
) -> None:
    from bot.keys import a_new_seal_key

    path = data_dir / SEAL_KEY_FILE
    assert a_new_seal_key(path, sealed=0) is None
    said = a_new_seal_key(path, sealed=3)
    assert said is not None
    assert "the 3 chat ids sealed under the old one cannot be opened" in said
    assert said.endswith(f"if your backup holds {SEAL_KEY_FILE}, stop guidebot and restore it")
