"""The audit log is tamper-evident: every way of changing it is caught, and an untouched or
purged log verifies; proofs check out offline with the public key alone."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.app import DATABASE
from bot.audit._merkle import event_leaf_hash
from bot.audit._note import Signer
from bot.audit.log import (
    Wrong,
    check_proof,
    prove,
    purge,
    sign_checkpoint,
    signing_key,
    supervisor_summary,
    verify,
)
from bot.cli._audit import audit
from bot.store import Store, leaf_content

NOW = 1_800_000_000.0


def _log_some(store: Store, conversations: int = 4, start: float = NOW) -> None:
    for number in range(conversations):
        key = f"c-{start:.0f}-{number}"
        store.save(
            key,
            {"phase": "step"},
            expected_version=0,
            audit=[
                {"kind": "flow_started", "flow": "initial-contact", "run": 1, "seq": 1},
                {"kind": "answer", "flow": "initial-contact", "step": "danger", "outcome": "no"},
                {"kind": "red_flag", "red_flag": "danger-now", "run": 1, "seq": 3},
            ],
            now=start + number * 60,
        )


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[tuple[Store, Signer, Path]]:
    with Store.open(tmp_path / DATABASE) as store:
        signer = signing_key(tmp_path)
        _log_some(store, 2)
        sign_checkpoint(store, signer, now=NOW + 100, reason="test")
        _log_some(store, 2, start=NOW + 200)
        sign_checkpoint(store, signer, now=NOW + 300, reason="test")
        yield store, signer, tmp_path


def _sql(path: Path, statement: str, *args: object) -> None:
    with sqlite3.connect(path / DATABASE) as raw:
        raw.execute(statement, args)


def test_an_untouched_log_verifies(logged: tuple[Store, Signer, Path]) -> None:
    store, signer, _ = logged
    report = verify(store, signer.verifier)
    assert report.ok, report.problems
    assert (report.events, report.checkpoints) == (12, 2)


def test_each_event_is_a_salted_leaf(logged: tuple[Store, Signer, Path]) -> None:
    store, _, _ = logged
    rows = store.audit_rows()
    assert [row.leaf for row in rows] == list(range(12))
    assert len({row.salt for row in rows}) == 12  # same event, different salts
    first = rows[0]
    assert first.salt is not None and first.event is not None
    assert event_leaf_hash(first.salt, leaf_content(first.key, first.recorded_at, first.event)) == (
        first.leaf_hash
    )


@pytest.mark.parametrize(
    ("tamper", "found", "wrong"),
    [
        (
            "UPDATE audit SET event = replace(event, '\"no\"', '\"yes\"') WHERE leaf = 4",
            "Event 5 was altered",
            Wrong.ALTERED,
        ),
        ("UPDATE audit SET key = 'c-9999' WHERE leaf = 2", "Event 3 was altered", Wrong.ALTERED),
        (
            "UPDATE audit SET recorded_at = recorded_at + 1 WHERE leaf = 7",
            "Event 8 was altered",
            Wrong.ALTERED,
        ),
        ("DELETE FROM audit WHERE leaf = 3", "Event 4 was deleted", Wrong.DELETED),
        (
            "INSERT INTO audit (key, recorded_at, event) "
            "VALUES ('c-1', 1, '{\"kind\":\"answer\"}')",
            "was inserted",
            Wrong.INSERTED,
        ),
        ("UPDATE audit SET id = id + 1000 WHERE leaf = 5", "out of order", Wrong.MOVED),
    ],
)
def test_each_change_to_an_event_is_caught(
    logged: tuple[Store, Signer, Path], tamper: str, found: str, wrong: Wrong
) -> None:
    store, signer, path = logged
    _sql(path, tamper)
    report = verify(store, signer.verifier)
    assert not report.ok
    assert found in report.problems[0]
    assert report.wrong is wrong and not report.never_signed


def test_a_log_never_signed_is_told_apart_by_its_kind_not_its_words(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        signer = signing_key(tmp_path)
        empty = verify(store, signer.verifier)
        assert (empty.events, empty.wrong, empty.never_signed) == (0, Wrong.NEVER_SIGNED, True)
        _log_some(store, 1)
        logged = verify(store, signer.verifier)
        assert (logged.events, logged.wrong, logged.never_signed) == (3, Wrong.NEVER_SIGNED, True)
        assert logged.problems == [
            "No signed checkpoint vouches for the log: run 'guidebot audit checkpoint'."
        ]
        sign_checkpoint(store, signer, now=NOW + 100, reason="test")
        signed = verify(store, signer.verifier)
        assert (signed.ok, signed.wrong, signed.never_signed) == (True, None, False)


def test_a_log_never_signed_and_altered_is_told_as_altered(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        signer = signing_key(tmp_path)
        _log_some(store, 1)
        _sql(tmp_path, "UPDATE audit SET key = 'c-9999' WHERE leaf = 1")
        report = verify(store, signer.verifier)
        assert (report.wrong, report.never_signed) == (Wrong.ALTERED, False)
        assert report.problems == ["Event 2 was altered after it was logged."]


def _at_leaf(leaf: int) -> str:
    return f"(SELECT id FROM audit WHERE leaf = {leaf})"


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        (f"UPDATE audit_fields SET outcome = 'yes' WHERE id = {_at_leaf(4)}", "Event 5's"),
        (f"UPDATE audit_fields SET practice = 1 WHERE id = {_at_leaf(0)}", "Event 1's"),
        (f"UPDATE audit_fields SET flag = NULL WHERE id = {_at_leaf(5)}", "Event 6's"),
        (f"UPDATE audit_fields SET kind = 'back' WHERE id = {_at_leaf(1)}", "Event 2's"),
        (f"DELETE FROM audit_fields WHERE id = {_at_leaf(7)}", "Event 8's"),
        # Moved into another month's report.
        (
            f"UPDATE audit_fields SET recorded_at = recorded_at - 86400 WHERE id = {_at_leaf(9)}",
            "Event 10's",
        ),
        (
            "INSERT INTO audit_fields (id, key, recorded_at, kind) "
            "VALUES (999, 'c-1', 1, 'answer')",
            "kept for an event that is not in the log",
        ),
    ],
)
def test_a_report_field_changed_alone_is_caught(
    logged: tuple[Store, Signer, Path], tamper: str, found: str
) -> None:
    """The report counts from a copy of each event's fields: the copy must match the log."""
    store, signer, path = logged
    _sql(path, tamper)
    report = verify(store, signer.verifier)
    assert not report.ok
    assert found in report.problems[0]
    assert "report fields" in report.problems[0].lower()


def test_two_events_swapped_with_their_hashes_are_caught(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, path = logged
    rows = {row.leaf: row for row in store.audit_rows()}
    for here, there in ((1, 2), (2, 1)):
        other = rows[there]
        _sql(
            path,
            "UPDATE audit SET key = ?, recorded_at = ?, event = ?, salt = ?, leaf_hash = ? "
            "WHERE leaf = ?",
            other.key,
            other.recorded_at,
            json.dumps(other.event),
            other.salt,
            other.leaf_hash,
            here,
        )
    report = verify(store, signer.verifier)
    assert "does not match checkpoint" in report.problems[0]


def test_a_tree_rebuilt_without_the_key_is_caught(logged: tuple[Store, Signer, Path]) -> None:
    store, signer, path = logged
    row = store.audit_rows()[0]
    assert row.event is not None and row.salt is not None
    forged = {**row.event, "flow": "referral"}
    digest = event_leaf_hash(row.salt, leaf_content(row.key, row.recorded_at, forged))
    _sql(
        path,
        "UPDATE audit SET event = ?, leaf_hash = ? WHERE leaf = 0",
        json.dumps(forged),
        digest,
    )
    report = verify(store, signer.verifier)
    assert "does not match checkpoint" in report.problems[0]


def test_checkpoints_replaced_or_signed_by_another_key_are_caught(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, path = logged
    impostor = Signer.generate("guidebot-audit")
    note = impostor.sign(f"guidebot-audit/{signer.verifier.hash:08x}\n1\n{'A' * 43}=\n")
    _sql(path, "UPDATE checkpoints SET note = ? WHERE id = 2", note)
    report = verify(store, signer.verifier)
    assert "not signed by this key" in report.problems[0]


def test_a_tail_cut_off_after_a_kept_checkpoint_is_caught(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, path = logged
    kept = store.checkpoints()[-1].note
    _sql(path, "DELETE FROM audit WHERE leaf >= 9")
    _sql(path, "DELETE FROM checkpoints WHERE id = 2")
    report = verify(store, signer.verifier)
    assert "Report fields are kept for an event that is not in the log" in report.problems[0]
    # Whoever cuts the tail off thoroughly takes the report's copy of its fields with it.
    _sql(path, "DELETE FROM audit_fields WHERE id NOT IN (SELECT id FROM audit)")
    report = verify(store, signer.verifier, kept=[kept])
    assert "were cut off" in report.problems[0]
    assert verify(store, signer.verifier).ok  # without the kept copy, nothing could tell


def test_a_purged_log_still_verifies_and_forgets_the_content(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, path = logged
    assert purge(store, older_than_days=0, now=NOW + 150) == 6
    rows = store.audit_rows()
    assert [row.event is None for row in rows] == [True] * 6 + [False] * 6
    assert all(row.salt is None for row in rows[:6])
    assert len(store.audit_events()) == 6
    with sqlite3.connect(path / DATABASE) as raw:
        kept = raw.execute("SELECT id FROM audit_fields ORDER BY id").fetchall()
    raw.close()
    assert [row for (row,) in kept] == [row.row_id for row in rows[6:]]
    assert verify(store, signer.verifier).ok


def test_a_proof_checks_out_offline_and_a_doctored_one_does_not(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, _ = logged
    proof = json.loads(json.dumps(prove(store, signer, 5, now=NOW + 400)))
    result = check_proof(proof, signer.verifier)
    assert result.ok, result.message
    assert (
        check_proof({**proof, "event": {**proof["event"], "outcome": "yes"}}, signer.verifier).ok
        is False
    )
    assert check_proof({**proof, "event_number": 6}, signer.verifier).ok is False
    assert check_proof(proof, Signer.generate("guidebot-audit").verifier).ok is False


def test_the_audit_commands_end_to_end(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        _log_some(store, 3, start=time.time() - 3600)
    runner = CliRunner()
    where = ["--data-dir", str(tmp_path)]
    public = runner.invoke(audit, ["key", *where]).output.strip()
    assert public.startswith("guidebot-audit+")
    signed = runner.invoke(audit, ["checkpoint", *where])
    assert signed.exit_code == 0 and "\n9\n" in signed.output
    kept = tmp_path / "kept.txt"
    kept.write_text(signed.output)
    assert runner.invoke(audit, ["head", *where]).output == signed.output
    ok = runner.invoke(audit, ["verify", *where, "--checkpoint", str(kept)])
    assert ok.exit_code == 0 and ok.output.startswith("OK: 9 events")
    proof_file = tmp_path / "proof.json"
    made = runner.invoke(audit, ["prove", "4", *where, "--output", str(proof_file)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(audit, ["check-proof", str(proof_file), "--key", public])
    assert checked.exit_code == 0 and checked.output.startswith("OK: event 4")
    purged = runner.invoke(audit, ["purge", *where, "--older-than", "0"])
    assert purged.exit_code == 0 and "Purged 9 events" in purged.output
    assert runner.invoke(audit, ["verify", *where, "--checkpoint", str(kept)]).exit_code == 0
    _sql(tmp_path, "DELETE FROM audit WHERE leaf = 3")
    broken = runner.invoke(audit, ["verify", *where, "--checkpoint", str(kept)])
    assert broken.exit_code == 1 and "Event 4 was deleted" in broken.output


def test_the_signing_key_is_owner_only_and_outside_the_database(tmp_path: Path) -> None:
    signer = signing_key(tmp_path)
    key_file = tmp_path / "audit-signing.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert signing_key(tmp_path) == signer
    with Store.open(tmp_path / DATABASE) as store:
        _log_some(store, 1)
        sign_checkpoint(store, signer, now=NOW, reason="test")
    database = b"".join(p.read_bytes() for p in tmp_path.glob(DATABASE + "*"))
    seed = signer.encoded().split("+", 4)[4]
    assert seed.encode() not in database


def test_a_supervisor_lists_shows_and_exports_runs(tmp_path: Path) -> None:
    from bot.app import Settings, build_app
    from bot.engine import Press, Text

    with build_app(Settings(data_dir=tmp_path)) as app:
        sessions = app.sessions("console")
        now = time.time()
        for step, message in enumerate(["first contact", "not sure", "ok", "cancel"]):
            sessions.handle("c-first", Text(message, now + step))
        sessions.handle("c-second", Text("hes got a knife and the kids are in", now + 10))
        sessions.handle("c-second", Press("ack", now + 11))
        sessions.handle("c-third", Text("referral", now + 20))
    runner = CliRunner()
    where = ["--data-dir", str(tmp_path)]
    listed = runner.invoke(audit, ["list", *where])
    assert listed.exit_code == 0, listed.output
    assert "c-first:1" in listed.output and "cancelled" in listed.output
    flagged = runner.invoke(audit, ["list", *where, "--red-flags"]).output
    assert "c-third" not in flagged and "c-first:1" in flagged
    assert "NOT acknowledged" not in flagged
    only = runner.invoke(audit, ["list", *where, "--officer", "c-third"]).output
    assert "c-third:1" in only and "c-first" not in only and only.endswith("1 runs.\n")
    shown = runner.invoke(audit, ["show", "c-first:1", *where])
    assert shown.exit_code == 0 and "kind=red_flag_acknowledged" in shown.output
    assert "kind=cancelled" in shown.output
    assert runner.invoke(audit, ["show", "c-none:9", *where]).exit_code == 1
    exported = runner.invoke(audit, ["export", *where, "--format", "jsonl"]).output
    events = [json.loads(line) for line in exported.splitlines()]
    assert {e["key"] for e in events} == {"c-first", "c-second", "c-third"}
    as_csv = runner.invoke(audit, ["export", *where]).output
    assert as_csv.startswith("kind,key,recorded_at") and "red_flag" in as_csv


def test_a_supervisor_sees_practice_red_flags_apart_from_real_ones(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        for key, practice in (("real", False), ("trainee", True)):
            mark = {"practice": True} if practice else {}
            store.save(
                key,
                {"phase": "step"},
                expected_version=0,
                audit=[
                    {"kind": "red_flag", "red_flag": "danger-now", "run": 1, "seq": 1, **mark},
                ],
                now=NOW,
            )
        summary = supervisor_summary(store, now=NOW + 60)
    lines = summary.splitlines()
    assert lines[0] == "Red flags in the last 24 hours: 1"
    assert any("(real, run 1): NOT acknowledged" in line for line in lines)
    assert not any("trainee" in line for line in lines)
    assert "Safety prompts not acknowledged: 1" in lines
    assert "Red flags in practice conversations (not listed): 1" in lines


@pytest.mark.parametrize("damaged", ["not json", "[1, 2]", '"a string"'])
def test_an_event_damaged_into_something_not_an_object_is_named_everywhere(
    logged: tuple[Store, Signer, Path], damaged: str
) -> None:
    store, signer, path = logged
    _sql(path, f"UPDATE audit SET event = ? WHERE id = {_at_leaf(6)}", damaged)
    report = verify(store, signer.verifier)
    assert report.problems == ["Event 7 was altered after it was logged."]
    assert report.checkpoints == 2
    runner = CliRunner()
    where = ["--data-dir", str(path)]
    verified = runner.invoke(audit, ["verify", *where])
    assert verified.exit_code == 1
    assert verified.output == (
        "NOT OK: 12 events (0 purged), 2 checkpoints.\nEvent 7 was altered after it was logged.\n"
    )
    unreadable = (
        f"Error: {path / DATABASE}: the audit log's event 7 cannot be read: it was damaged or "
        "altered after it was logged. Run 'guidebot audit verify' to check the log, and "
        "restore a backup that verifies.\n"
    )
    for command in (["list"], ["show", "c-1800000000-0:1"], ["export"], ["prove", "7"]):
        done = runner.invoke(audit, [*command, *where])
        assert (done.exit_code, done.output) == (1, unreadable), command
        assert done.exception is None or isinstance(done.exception, SystemExit)


def test_verify_counts_the_stored_checkpoints_even_when_it_stops_at_an_event(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, signer, path = logged
    _sql(path, f"DELETE FROM audit WHERE id = {_at_leaf(2)}")
    report = verify(store, signer.verifier)
    assert report.problems == ["Event 3 was deleted."]
    assert (report.events, report.checkpoints) == (11, 2)


def test_a_supervisor_asking_in_telegram_is_told_a_damaged_log_cannot_be_read(
    logged: tuple[Store, Signer, Path],
) -> None:
    store, _, path = logged
    _sql(path, f"UPDATE audit SET event = 'not json' WHERE id = {_at_leaf(1)}")
    assert supervisor_summary(store, now=NOW + 400) == (
        "The audit log cannot be read: an event in it was damaged or altered. Ask IT to run "
        "'guidebot audit verify' and restore a backup that verifies."
    )


def test_an_output_in_a_missing_folder_is_explained_not_a_traceback(
    logged: tuple[Store, Signer, Path],
) -> None:
    _, _, path = logged
    runner = CliRunner()
    missing = path / "no-such-folder"
    for command, name in ((["export"], "events.csv"), (["prove", "3"], "proof.json")):
        target = missing / name
        done = runner.invoke(audit, [*command, "--data-dir", str(path), "--output", str(target)])
        assert done.exit_code == 1, command
        assert done.output == (
            f"Error: Could not write {target}: no such file or directory. Check the folder "
            "exists and this account can write to it.\n"
        )
    assert not missing.exists()


def test_a_lost_signing_key_is_refused_not_replaced_once_checkpoints_exist(
    logged: tuple[Store, Signer, Path],
) -> None:
    _, signer, path = logged
    key_file = path / "audit-signing.key"
    key_file.unlink()
    runner = CliRunner()
    refused = (
        f"Error: No audit signing key at {key_file}, but the log's checkpoints were signed with "
        "one: restore audit-signing.key from your backup (without it those checkpoints cannot "
        "be verified here, and a new key could not vouch for the log's past); meanwhile "
        "'guidebot audit verify --key' checks the log with the public key your supervisors "
        "kept.\n"
    )
    commands = (["key"], ["checkpoint"], ["prove", "3"], ["purge", "--older-than", "0"], ["verify"])
    for command in commands:
        done = runner.invoke(audit, [*command, "--data-dir", str(path)])
        assert (done.exit_code, done.output) == (1, refused), command
        assert not key_file.exists(), command
    kept = signer.verifier.encoded()  # the public key the supervisors kept still checks it
    checked = runner.invoke(audit, ["verify", "--data-dir", str(path), "--key", kept])
    assert checked.exit_code == 0 and checked.output.startswith("OK: 12 events")
    with Store.open(path / DATABASE) as store:
        assert len(store.checkpoints()) == 2
        assert all(row.event is not None for row in store.audit_rows())  # nothing purged


def test_a_mistyped_data_folder_gets_no_key_of_its_own(tmp_path: Path) -> None:
    typo = tmp_path / "guidebto"
    done = CliRunner().invoke(audit, ["key", "--data-dir", str(typo)])
    assert done.exit_code == 1
    assert done.output == (
        f"Error: No guidebot database at {typo / DATABASE}: check --data-dir (on a new install, "
        "'guidebot doctor' makes the database and keys as the first start would).\n"
    )
    assert not typo.exists()


def test_a_log_never_checkpointed_gets_its_first_key_on_first_use(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        _log_some(store, 1)  # as the console chat logs, before any key is made
    done = CliRunner().invoke(audit, ["checkpoint", "--data-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "audit-signing.key").stat().st_mode & 0o777 == 0o600


def test_a_supervisor_finds_an_enrolled_persons_runs_by_the_pseudonym_users_list_shows(
    tmp_path: Path,
) -> None:
    """The log is keyed by chat (c-...), 'users list' by person (u-...): enrolment links them."""
    from bot.keys import Keys
    from bot.users import Users

    keys = Keys.open(tmp_path)
    person, chat = keys.pseudonym("user", 4242), keys.pseudonym("chat", 4242)
    earlier = keys.pseudonym("user", 77)
    with Store.open(tmp_path / DATABASE) as store:
        users = Users(store, keys)
        assert users.redeem(
            person, users.create_code("officer", now=NOW).code, NOW, conversation=chat
        ).enrolled
        assert users.redeem(earlier, users.create_code("officer", now=NOW).code, NOW).enrolled
        _log_some(store, 2)
        store.save(chat, {"phase": "step"}, expected_version=0, audit=[
            {"kind": "flow_started", "flow": "referral", "run": 1, "seq": 1}
        ], now=NOW + 500)  # fmt: skip
    where = ["--data-dir", str(tmp_path)]
    runner = CliRunner()
    found = runner.invoke(audit, ["list", *where, "--officer", person])
    assert found.exit_code == 0, found.output
    assert found.output.splitlines()[0] == f"{person}'s conversations are logged as {chat}."
    assert f"{chat}:1" in found.output and found.output.endswith("1 runs.\n")
    unlinked = runner.invoke(audit, ["list", *where, "--officer", earlier])
    assert unlinked.exit_code == 1
    assert unlinked.output.startswith(
        f"Error: {earlier} enrolled before guidebot kept the chat each person enrolled from"
    )
    unknown = runner.invoke(audit, ["list", *where, "--officer", "u-5mibuczhdjj2wqhgd55d"])
    assert unknown.output == (
        "Error: No one is enrolled as u-5mibuczhdjj2wqhgd55d: 'guidebot users list' names "
        "everyone enrolled.\n"
    )


def test_the_csv_export_keeps_every_field_the_json_lines_keep(tmp_path: Path) -> None:
    voice = {"kind": "answer", "flow": "referral", "step": "history", "outcome": "not_sure"}
    rated = {"kind": "feedback", "entries": ["case-history"], "rating": "wrong"}
    with Store.open(tmp_path / DATABASE) as store:
        store.save(
            "c-one",
            {"phase": "step"},
            expected_version=0,
            audit=[{**voice, "via": "voice", "confidence": 0.62}, rated],
            now=NOW,
        )
    where = ["--data-dir", str(tmp_path)]
    runner = CliRunner()
    lines = runner.invoke(audit, ["export", *where, "--format", "jsonl"]).output.splitlines()
    rows = list(csv.DictReader(io.StringIO(runner.invoke(audit, ["export", *where]).output)))
    for line, row in zip(lines, rows, strict=True):
        held = json.loads(line)
        assert {n: str(v) for n, v in held.items() if v is not None and n != "entries"} == {
            name: value for name, value in row.items() if value and name != "entries"
        }
    assert (rows[0]["via"], rows[0]["confidence"], rows[1]["rating"]) == ("voice", "0.62", "wrong")
    shown = runner.invoke(audit, ["show", "c-one:0", *where]).output
    assert "via=voice confidence=0.62" in shown


def test_the_menu_before_any_flow_is_not_listed_as_a_run_left_open(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        store.save("c-one", {"phase": "menu"}, expected_version=0, audit=[
            {"kind": "menu_shown", "run": 0, "seq": 1},
            {"kind": "flow_started", "flow": "referral", "run": 1, "seq": 2},
        ], now=NOW)  # fmt: skip
    listed = CliRunner().invoke(audit, ["list", "--data-dir", str(tmp_path)]).output
    menu, started = listed.splitlines()[1:3]
    assert menu.split()[1:2] + menu.split()[4:] == ["(menu)", "-", "-"]
    assert started.split()[1:2] + started.split()[4:] == ["referral", "open", "-"]


def test_verify_where_a_console_chat_logged_but_nothing_was_signed_says_so_and_what_to_do(
    tmp_path: Path,
) -> None:
    """No key was ever made (a chat logs without signing): not "restore it from your backup"."""
    with Store.open(tmp_path / DATABASE) as store:
        _log_some(store, 1)
    checked = CliRunner().invoke(audit, ["verify", "--data-dir", str(tmp_path)])
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        "NOT OK: 3 events (0 purged), 0 checkpoints.",
        "No signed checkpoint vouches for the log, and no signing key was made for this folder "
        "yet (the first checkpoint makes it): run 'guidebot audit checkpoint' to make the key "
        "and sign the first.",
    ]
    assert not (tmp_path / "audit-signing.key").exists()  # verify makes no key of its own
    CliRunner().invoke(audit, ["checkpoint", "--data-dir", str(tmp_path)])
    after = CliRunner().invoke(audit, ["verify", "--data-dir", str(tmp_path)])
    assert after.exit_code == 0
    assert after.output == "OK: 3 events (0 purged), 1 checkpoints, all consistent.\n"


def test_verify_without_a_key_still_finds_an_altered_event(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        _log_some(store, 1)
        store._db.execute("UPDATE audit SET event = ? WHERE leaf = 1", ['{"kind":"z"}'])
    checked = CliRunner().invoke(audit, ["verify", "--data-dir", str(tmp_path)])
    assert checked.exit_code == 1 and "Event 2" in checked.output
    assert "no signing key was made" not in checked.output


def test_a_run_whose_start_was_purged_is_not_listed_as_the_menu(tmp_path: Path) -> None:
    with Store.open(tmp_path / DATABASE) as store:
        store.save("c-one", {"phase": "menu"}, expected_version=0, audit=[
            {"kind": "flow_started", "flow": "referral", "run": 1, "seq": 1, "at": NOW},
            {"kind": "flow_completed", "flow": "referral", "run": 1, "seq": 2, "at": NOW + 60},
            {"kind": "menu_shown", "run": 1, "seq": 3, "at": NOW + 600},
            {"kind": "flow_started", "flow": "referral", "run": 2, "seq": 4, "at": NOW + 700},
            {"kind": "answer", "flow": "referral", "run": 2, "seq": 5, "at": NOW + 800},
        ], now=NOW)  # fmt: skip
        store._db.execute(
            "UPDATE audit SET event = '' WHERE leaf IN (0, 1, 3)"
        )  # as a purge leaves them: rows kept, content emptied
    listed = CliRunner().invoke(audit, ["list", "--data-dir", str(tmp_path)]).output
    remnant, half, *_ = listed.splitlines()[1:]
    assert remnant.split() == ["c-one:1", "(purged)", "-", "purged", "-"]
    assert half.split() == ["c-one:2", "referral", "-", "open", "-"]  # its start was purged too
    shown = CliRunner().invoke(audit, ["show", "c-one:1", "--data-dir", str(tmp_path)]).output
    assert shown.splitlines()[0] == "Run c-one:1: (purged), purged, channel -"


def test_verify_on_an_empty_log_passes_as_doctor_does(tmp_path: Path) -> None:
    """Nothing logged: nothing to be NOT OK about (doctor already says "empty")."""
    with Store.open(tmp_path / DATABASE):
        pass
    for key_made in (False, True):
        if key_made:
            signing_key(tmp_path)
        checked = CliRunner().invoke(audit, ["verify", "--data-dir", str(tmp_path)])
        assert (checked.exit_code, checked.output) == (
            0,
            "OK: 0 events (0 purged), 0 checkpoints: the log is empty, nothing to verify yet.\n",
        )
