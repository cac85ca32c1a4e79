"""pipeline.errors: one root for every error a user can act on, each class still where it was."""

from __future__ import annotations

import importlib

import pytest

from pipeline.errors import EffikgError, InputError

# Where each stage's error has always been importable from.
STAGE_ERRORS = [
    ("pipeline.ingest", "InputError"),
    ("pipeline.build", "BuildError"),
    ("pipeline.export.rdf", "ExportError"),
    ("pipeline.export.html", "HtmlExportError"),
    ("pipeline.validate", "GraphReadError"),
    ("pipeline.query", "QueryError"),
    ("pipeline.serve", "ServeError"),
    ("pipeline.report", "ReportError"),
    ("pipeline.evaluate", "EvalError"),
    ("pipeline.outdir", "OutDirError"),
    ("pipeline.query_workers", "WorkerError"),
]


@pytest.mark.parametrize("module,name", STAGE_ERRORS)
def test_errors_stage_error_is_an_effikg_error_where_it_always_was(module: str, name: str) -> None:
    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, EffikgError)
    assert cls is getattr(importlib.import_module("pipeline.errors"), name)


def test_errors_new_stage_errors_sit_under_their_stage() -> None:
    from pipeline.errors import BuildError, OutDirError, ServeError, WorkerError

    assert issubclass(OutDirError, BuildError) and issubclass(WorkerError, ServeError)


def test_errors_input_error_message_is_printable() -> None:
    err = InputError("corpus/\x1b[2Ja.jsonl", "empty file")
    assert str(err) == "corpus/\\x1b[2Ja.jsonl: empty file" and err.path == "corpus/\x1b[2Ja.jsonl"


def test_errors_input_error_names_the_file() -> None:
    err = InputError("corpus/a.jsonl", "empty file")
    assert (str(err), err.path, err.problem) == ("corpus/a.jsonl: empty file", "corpus/a.jsonl", "empty file")
