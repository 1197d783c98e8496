"""The `warta` command: thin typed wrappers over library functions.

Each command parses its arguments, calls one library function and prints; the
work itself lives in the library so that it can be used and tested from Python.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .corpus import FORMATS, CorpusFormatError, read_documents, write_documents
from .corpus.conll import parse_label_map
from .corpus.stats import corpus_stats, format_stats
from .evaluation import evaluate, flatten, format_report
from .schema import validate_all

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="warta: structured records from Indonesian news text.",
)

FormatOpt = typer.Option(None, help=f"Format ({', '.join(FORMATS)}); guessed from the file name if omitted.")
LabelMapOpt = typer.Option(
    None, "--label-map", help="CoNLL label map: a built-in name (nergrit, nerp, nerui, nerugm) or 'PERSON=PER,PLACE=LOC'."
)


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _read(path: Path, fmt: Optional[str], label_map: Optional[str] = None, unknown: str = "drop"):
    if not path.exists():
        _fail(f"{path} does not exist")
    try:
        opts = {"label_map": label_map, "unknown": unknown} if (fmt or "") == "conll" or (
            fmt is None and path.suffix.lower() in (".conll", ".bio", ".tsv", ".txt")) else {}
        if label_map and not opts:
            _fail("--label-map applies to CoNLL input only")
        return list(read_documents(path, fmt, **opts))
    except (CorpusFormatError, ValueError) as exc:
        _fail(str(exc))


@app.command()
def convert(
    src: Path = typer.Argument(..., help="Input file."),
    dst: Path = typer.Argument(..., help="Output file."),
    from_: Optional[str] = typer.Option(None, "--from", help=f"Input format ({', '.join(FORMATS)})."),
    to: Optional[str] = typer.Option(None, "--to", help=f"Output format ({', '.join(FORMATS)})."),
    label_map: Optional[str] = LabelMapOpt,
    unknown: str = typer.Option("drop", help="CoNLL labels outside the map: 'drop' (become O) or 'mark' (kept as unknown)."),
) -> None:
    """Convert a corpus between formats (JSONL, CoNLL/BIO, doccano, Label Studio, inline)."""
    docs = _read(src, from_, label_map, unknown)
    try:
        n = write_documents(docs, dst, to)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"wrote {len(docs)} documents ({n} units) to {dst}", err=True)


@app.command()
def validate(
    path: Path = typer.Argument(..., help="Corpus file."),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"Format ({', '.join(FORMATS)})."),
    label_map: Optional[str] = LabelMapOpt,
) -> None:
    """Check every SCHEMA.md rule; list the violations and exit 1 if there are any."""
    docs = _read(path, fmt, label_map)
    problems = validate_all(docs)
    for v in problems:
        typer.echo(str(v))
    typer.echo(f"{len(docs)} documents, {len(problems)} violations", err=True)
    raise typer.Exit(1 if problems else 0)


@app.command(name="evaluate")
def evaluate_cmd(
    gold: Path = typer.Argument(..., help="Gold corpus."),
    pred: Optional[Path] = typer.Argument(None, help="Predictions (same ids and texts)."),
    gold_format: Optional[str] = typer.Option(None, help="Format of GOLD."),
    pred_format: Optional[str] = typer.Option(None, help="Format of PRED."),
    label_map: Optional[str] = LabelMapOpt,
    labels: Optional[str] = typer.Option(None, help="Score only these entity labels, e.g. 'PER,ORG,LOC'."),
    model: Optional[str] = typer.Option(None, help="Predict GOLD's texts with this model instead of reading PRED."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON with stable dotted keys."),
    nested: bool = typer.Option(False, help="With --json: nested objects instead of dotted keys."),
) -> None:
    """Score predictions against gold: entities, relations, event triggers and arguments."""
    gold_docs = _read(gold, gold_format, label_map)
    if model is not None:
        from .pipeline import predict_documents  # noqa: PLC0415 (needs the model extra)

        pred_docs = predict_documents(gold_docs, model=model)
    elif pred is None:
        _fail("give PRED or --model")
    else:
        pred_docs = _read(pred, pred_format)
    only = {x.strip() for x in labels.split(",") if x.strip()} if labels else None
    try:
        report = evaluate(gold_docs, pred_docs, labels=only)
    except ValueError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps(report if nested else flatten(report), indent=1, ensure_ascii=False))
    else:
        typer.echo(format_report(report))


@app.command()
def stats(
    paths: list[Path] = typer.Argument(..., help="Corpus files (counted together)."),
    fmt: Optional[str] = typer.Option(None, "--format", help=f"Format ({', '.join(FORMATS)})."),
    label_map: Optional[str] = LabelMapOpt,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Counts per entity label, relation, event type and role; provinces, instruments and organisations named."""
    docs = [d for path in paths for d in _read(path, fmt, label_map)]
    s = corpus_stats(docs)
    typer.echo(json.dumps(s, indent=1, ensure_ascii=False) if as_json else format_stats(s))


def _extract_inputs(src: str):
    """Input items (id, text, date/meta), read lazily from a .txt, JSONL or Parquet file, a directory of them, or stdin."""
    from .bulk import iter_inputs

    return iter_inputs(src)


@app.command()
def extract(
    src: str = typer.Argument(..., help="A .txt, JSONL (id, text, date or meta.date) or Parquet (id, text, date columns) "
                              "file, a directory of them, or - for stdin."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout: JSONL, or Parquet "
                                          "when the name ends in .parquet."),
    date: Optional[str] = typer.Option(None, help="Publication date (ISO) for inputs that have none."),
    fmt: str = typer.Option("records", "--format", help="records: one line per input with its event records; "
                            "document: one Document (SCHEMA.md JSONL, scorable with `warta evaluate`) per input."),
    model: Optional[str] = typer.Option(None, help="Model directory (default: the shipped model)."),
    batch_size: int = typer.Option(16, help="Documents per batch (and per write)."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes, each with its own model and "
                                "cores/workers torch threads (1: in this process)."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="With -o: skip documents already in the output "
                                "or the errors file (after a kill or for new inputs); --no-resume starts both over."),
    errors: Optional[Path] = typer.Option(None, "--errors", help="Failed documents as JSONL {id, error} "
                                          "(default: OUTPUT.errors.jsonl; warnings on stderr without -o)."),
    quiet: bool = typer.Option(False, help="No progress bar."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write an HTML view (highlighted entities, relations, events table) to this file."),
) -> None:
    """Extract entities, relations and events with normalised values (streamed, resumable, on several cores)."""
    from .bulk import count_inputs, run

    if fmt not in ("records", "document"):
        _fail("--format is records or document")
    shown: list = []  # documents for --html
    try:
        summary = run(_extract_inputs(src), output, model=model, fmt=fmt, workers=workers, batch_size=batch_size,
                      resume=resume, errors=errors, date=date, total=count_inputs(src), progress=not quiet,
                      on_document=shown.append if html is not None else None)
    except BrokenPipeError:  # `warta extract ... | head`
        raise
    except (CorpusFormatError, ValueError, FileNotFoundError, OSError) as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"extraction needs the model extra: pip install 'warta[models]' ({exc})")
    if output is not None or summary.failed or summary.skipped:
        typer.echo(summary.line(), err=True)
    if html is not None:
        _write_html(html, shown)


def _write_html(path: Path, docs: list) -> None:
    """`extract --html`: one page with the HTML view of every document."""
    from .render import render

    try:
        path.write_text(render(docs[0] if len(docs) == 1 else docs, title=f"warta: {path.stem}"), encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc}")
    typer.echo(f"wrote the HTML view of {len(docs)} document(s) to {path}", err=True)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on (loopback by default; 0.0.0.0 exposes the server to the network)."),
    port: int = typer.Option(8000, help="Port (0 picks a free one)."),
    model: Optional[str] = typer.Option(None, help="Model directory (default: the shipped model)."),
    max_bytes: int = typer.Option(1_000_000, help="Largest request body accepted by POST /extract (bytes)."),
    quiet: bool = typer.Option(False, help="Do not log requests."),
) -> None:
    """Serve a web page (paste text, see the HTML view) and POST /extract (JSON records)."""
    if not 0 <= port <= 65535:
        _fail(f"--port must be 0..65535, got {port}")
    if max_bytes < 1:
        _fail("--max-bytes must be positive")
    from .server import serve as run_server

    try:
        run_server(host=host, port=port, model=model, max_bytes=max_bytes, quiet=quiet,
                   log=lambda m: typer.echo(m, err=True))
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    except ImportError as exc:
        _fail(f"serving needs the model extra: pip install 'warta[models]' ({exc})")
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc}")


def _source(spec: str):
    """PATH[:FORMAT[:LABEL_MAP]] -> DataSource."""
    from .training import DataSource

    parts = spec.split(":")
    return DataSource(path=parts[0], format=parts[1] if len(parts) > 1 and parts[1] else None,
                      label_map=parts[2] if len(parts) > 2 else None)


@app.command()
def train(
    config: Optional[Path] = typer.Argument(None, help="TOML or YAML training config."),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Output directory (overrides the config)."),
    backbone: Optional[str] = typer.Option(None, help="Backbone: e5-small, a local directory or a hub id."),
    train_files: Optional[list[str]] = typer.Option(None, "--train", help="Training file PATH[:FORMAT[:LABEL_MAP]] (repeatable)."),
    dev_files: Optional[list[str]] = typer.Option(None, "--dev", help="Dev file PATH[:FORMAT[:LABEL_MAP]] (repeatable)."),
    epochs: Optional[int] = typer.Option(None, help="Epochs."),
    batch_size: Optional[int] = typer.Option(None, help="Windows per batch."),
    max_len: Optional[int] = typer.Option(None, help="Subwords per window."),
    seed: Optional[int] = typer.Option(None, help="Random seed."),
    restart: bool = typer.Option(False, help="Ignore an existing checkpoint and start over."),
    quiet: bool = typer.Option(False, help="No progress bars."),
) -> None:
    """Train (or resume training) an extractor; the best model on dev is written to OUTPUT/model."""
    try:
        from .training import TrainConfig, Trainer
    except ImportError as exc:  # torch/transformers missing
        _fail(f"training needs the model extra: pip install 'warta[models]' ({exc})")
    try:
        cfg = TrainConfig.from_file(config) if config else TrainConfig()
    except (OSError, ValueError) as exc:
        _fail(f"{config}: {exc}")
    for name, value in (("output_dir", output), ("backbone", backbone), ("epochs", epochs),
                        ("batch_size", batch_size), ("max_len", max_len), ("seed", seed)):
        if value is not None:
            setattr(cfg, name, value)
    if train_files:
        cfg.train = [_source(s) for s in train_files]
    if dev_files:
        cfg.dev = [_source(s) for s in dev_files]
    if restart:
        import shutil

        shutil.rmtree(Path(cfg.output_dir) / "checkpoint", ignore_errors=True)
    try:
        state = Trainer(cfg, progress=not quiet, log=lambda m: typer.echo(m, err=True)).run()
    except (ValueError, RuntimeError, CorpusFormatError, FileNotFoundError) as exc:
        _fail(str(exc))
    typer.echo(f"best {cfg.select_metric} = {state['best']} (epoch {state['best_epoch']}); model in {cfg.output_dir}/model")


def main() -> None:
    """Console entry point."""
    try:
        app()
    except BrokenPipeError:  # `warta ... | head`
        sys.stderr.close()


if __name__ == "__main__":
    main()
