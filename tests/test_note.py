"""Signed notes against the Go checksum database's published vectors, then tampering.

Vectors from golang.org/x/mod, file sumdb/note/note_test.go at commit
fe2ec04f7c3c3aa6fad97631aafcff6e49e2d1db (BSD-3-Clause): TestNewVerifier, TestNewSigner, TestSign.
"""

from __future__ import annotations

import pytest

from bot.audit._note import NoteError, Signer, Verifier, open_note

PRIVATE = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PUBLIC = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXg"
    "KvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_published_keys_read_and_match() -> None:
    signer = Signer.parse(PRIVATE)
    assert signer.verifier.encoded() == PUBLIC
    assert Verifier.parse(PUBLIC) == signer.verifier
    assert signer.encoded() == PRIVATE
    assert "AYEK" not in repr(signer)


def test_signing_gives_the_published_note_and_it_opens() -> None:
    assert Signer.parse(PRIVATE).sign(TEXT) == SIGNED
    assert open_note(SIGNED, Verifier.parse(PUBLIC)) == TEXT


@pytest.mark.parametrize(
    "bad",
    [
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
        "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        PUBLIC[:-1],
        PUBLIC.replace("c74f20a3", "c74f20a4"),
        PUBLIC.replace("Peter", "Pete"),
        "",
    ],
)
def test_mangled_verifier_keys_are_refused(bad: str) -> None:
    with pytest.raises(NoteError):
        Verifier.parse(bad)


def test_every_one_character_change_to_the_verifier_key_is_refused() -> None:
    for index in range(len(PUBLIC)):
        changed = PUBLIC[:index] + chr(ord(PUBLIC[index]) + 1) + PUBLIC[index + 1 :]
        with pytest.raises(NoteError):
            Verifier.parse(changed)


def test_a_changed_text_or_signature_or_another_key_does_not_open() -> None:
    verifier = Verifier.parse(PUBLIC)
    with pytest.raises(NoteError):
        open_note(SIGNED.replace("problem,", "problems,"), verifier)
    with pytest.raises(NoteError):
        open_note(SIGNED.replace("x08go", "x08gp"), verifier)
    with pytest.raises(NoteError):
        open_note(SIGNED, Signer.generate("PeterNeumann").verifier)
    with pytest.raises(NoteError):
        open_note(TEXT, verifier)


def test_a_new_key_signs_and_verifies_itself() -> None:
    signer = Signer.generate("guidebot-audit")
    note = signer.sign("guidebot\n3\nAAAA\n")
    assert open_note(note, Verifier.parse(signer.verifier.encoded())) == "guidebot\n3\nAAAA\n"
    assert Signer.parse(signer.encoded()) == signer
    with pytest.raises(NoteError):
        signer.sign("no newline")
