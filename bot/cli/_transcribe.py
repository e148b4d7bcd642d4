"""``guidebot transcribe``: what the voice recogniser hears in audio files, and what it takes.

For an operator checking the recogniser on their own recordings, and for the benchmark. The
transcripts are printed to this terminal only; nothing is written anywhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from bot import _cache
from bot.cli._common import data_dir_option, flows_option, knowledge_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--step",
    metavar="FLOW:STEP",
    default=None,
    help="Match what is heard to this question's answers (e.g. initial-contact:danger).",
)
@click.option(
    "--expect",
    type=click.Choice(["confirm"]),
    default=None,
    help="Match to a generic yes / no / not sure question.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object a line, per file.")
@data_dir_option
@flows_option
@knowledge_option
def transcribe(
    files: tuple[Path, ...],
    step: str | None,
    expect: str | None,
    as_json: bool,
    data_dir: Path,
    flows_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Transcribe audio files offline with the voice recogniser guidebot uses.

    Loads the recogniser once and prints, per file, the transcript, its confidence, the
    audio's duration and the real-time factor (seconds of work per second of audio). With
    --step or --expect confirm it also prints the answer the bot would take (yes, no, unsure,
    a choice id), or that it was not understood.
    """
    if step is not None and expect is not None:
        raise click.UsageError("Give --step or --expect, not both.")
    _cache.use_folder(data_dir)
    from bot.app import AppError, Settings, load_engine
    from bot.voice import CONFIRM, Expected, Listener, RecogniserError, VoiceProblem, step_expected

    settings = Settings(data_dir=data_dir, knowledge_dir=knowledge_dir, flows_dir=flows_dir)
    try:
        engine = load_engine(settings)[2]
        listener = Listener(engine)
    except (AppError, RecogniserError) as error:
        raise click.ClickException(str(error)) from error
    expected = Expected("open", (), closed=False)
    if expect == "confirm":
        expected = CONFIRM
    elif step is not None:
        flow_id, _, step_id = step.partition(":")
        try:
            expected = step_expected(engine, flow_id, step_id)
        except KeyError as error:
            raise click.BadParameter(
                f"no step {step!r}: give FLOW:STEP as in 'guidebot flows check'",
                param_hint="--step",
            ) from error
    matching = step is not None or expect is not None
    failed = 0
    for path in files:
        try:
            heard = listener.hear(path.read_bytes(), expected)
        except (OSError, VoiceProblem) as error:
            failed += 1
            reason = str(error) if isinstance(error, VoiceProblem) else f"cannot read: {error}"
            if as_json:
                click.echo(json.dumps({"file": str(path), "error": reason}))
            else:
                click.echo(f"{path}: {reason}", err=True)
            continue
        record: dict[str, object] = {
            "file": str(path),
            "text": heard.transcript,
            "confidence": heard.confidence,
            "duration": heard.seconds,
            "rtf": round(heard.rtf, 3),
        }
        if matching:
            record["answer"] = heard.answer if heard.understood else None
        if as_json:
            click.echo(json.dumps(record))
            continue
        line = (
            f"{path}: {heard.transcript!r} (confidence {heard.confidence:.2f}, "
            f"{heard.seconds:.1f} s, real-time factor {heard.rtf:.2f})"
        )
        if matching:
            answer = record["answer"]
            taken = "not understood" if answer is None else f"answer {answer}"
            line += f" -> {taken}" + ("" if heard.sure or answer is None else " (read back)")
        click.echo(line)
    if failed:
        raise SystemExit(1)
