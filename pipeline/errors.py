"""Every error effikg raises for a user to act on, under one root: EffikgError.

Each stage raises its own subclass, with a message that names the file or the thing and
says what is wrong. The command line prints any EffikgError as one line, in one place
(pipeline.cli), so a traceback always means a bug. The modules that raise each class
import it from here, so `from pipeline.query import QueryError` keeps working.

Bottom layer: imports only pipeline.normalize (for printable), itself bottom layer.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.normalize import printable


class EffikgError(Exception):
    """A problem the user can act on; str() of it is the whole message."""

    exit_code = 1  # what the command line exits with


class InputError(EffikgError):
    """A whole input cannot be read (missing, empty, binary, not UTF-8, unknown format).

    The message is one line that names the file and the problem, control characters
    escaped (a file name may hold any byte but / and NUL).
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(printable(f"{self.path}: {problem}"))


class RecordProblem(EffikgError):
    """Why one record cannot become a Paper; a reader reports it as that record's Skipped."""


class BuildError(EffikgError):
    """The build could not produce a graph (nothing readable, an invalid graph, no disk)."""


class InputsFailedError(BuildError):
    """A named input could not be read at all (missing, empty, binary): the build stops
    before writing anything unless it is told to keep going. Exit code 2."""

    exit_code = 2


class OutDirError(BuildError):
    """The output folder cannot take the build (pipeline.outdir); the message names it and
    says what to do."""


class ExportError(EffikgError):
    """An export cannot be written: an unknown format name, or something in the graph the
    target format cannot represent."""


class HtmlExportError(ExportError):
    """The explorer could not be written (a missing asset, an unusable graph)."""


class GraphReadError(EffikgError):
    """A graph file that cannot be read or parsed; the message names the file."""


class QueryError(EffikgError):
    """A query that cannot be found, parsed or bound; the message says which and why."""


class ServeError(EffikgError):
    """The server cannot start: no graph, or the port is taken."""


class WorkerError(ServeError):
    """No query worker could be started (pipeline.query_workers: the graph cannot be read)."""


class ReportError(EffikgError):
    """The graph could not be read or is not an effikg build; one line, names the file."""


class EvalError(EffikgError):
    """The gold file or an input cannot be used (one line, names the file)."""
