"""`guidebot kb search`: plain and JSON answers, and one query per line from standard input."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import cli


def test_search_prints_the_best_entry_with_its_source() -> None:
    result = CliRunner().invoke(cli, ["kb", "search", "PACE 38(6) transfer", "--limit", "1"])
    assert result.exit_code == 0
    first, summary, source = result.output.splitlines()
    assert first.startswith("1. ") and "[transfer-la-accommodation]" in first
    assert summary.strip()
    assert source.strip().startswith("Source: ") and "38(6)" in source


def test_search_for_something_out_of_domain_says_so_and_points_to_advice() -> None:
    result = CliRunner().invoke(cli, ["kb", "search", "where do I park the van"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "Nothing in the guidance fits that well enough. Try other words, or ask your supervisor "
        "or the specialist child protection advice line."
    )


def test_json_lines_from_standard_input_one_answer_per_query() -> None:
    queries = "juvenile in custody needs an AA\n\nwhat's the weather like\nmisper from care home\n"
    result = CliRunner().invoke(cli, ["kb", "search", "--json", "-", "--limit", "3"], input=queries)
    assert result.exit_code == 0
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert [answer["query"] for answer in answers] == [
        "juvenile in custody needs an AA",
        "what's the weather like",
        "misper from care home",
    ]
    assert answers[1]["status"] == "none"
    custody, _, missing = answers
    assert custody["status"] in {"confident", "ambiguous"}
    assert "appropriate-adult" in custody["results"][0]["topics"]
    assert "missing-child" in missing["results"][0]["topics"]
    for answer in (custody, missing):
        assert len(answer["results"]) <= 3
        for row in answer["results"]:
            assert set(row) == {"id", "title", "stage", "topics", "score", "source"}
            assert 0 <= row["score"] <= 100 and row["source"]


def test_ambiguous_answers_say_so_before_the_options() -> None:
    result = CliRunner().invoke(cli, ["kb", "search", "child protection", "--limit", "3"])
    lines = result.output.splitlines()
    assert lines[0] == "Not sure which you mean. Closest options:"
    assert [line[:3] for line in lines if line[:1].isdigit()] == ["1. ", "2. ", "3. "]


def test_ambiguous_answers_end_by_pointing_to_advice() -> None:
    result = CliRunner().invoke(cli, ["kb", "search", "child protection", "--limit", "3"])
    assert result.output.splitlines()[-1] == (
        "If none of these fits, ask your supervisor or specialist child protection advice."
    )
