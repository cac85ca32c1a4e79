"""`effikg build`: read -> extract -> assemble -> validate -> export, as one library call.

The build is the only stage that runs the NLP. Everything it writes goes to a scratch
folder first and is moved into place only once every file is complete, so a failed build
never leaves half-written output behind.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus import bundled_corpus
from pipeline.errors import BuildError, InputError
from pipeline.export import save_exports, select_exporters
from pipeline.files import new_file_mode
from pipeline.ingest import read_papers
from pipeline.records import Extraction, Paper, Skipped


@dataclass
class BuildSummary:
    """What a build read, skipped and wrote; printed by the CLI."""

    inputs: list[str] = field(default_factory=list)
    papers: int = 0
    papers_with_methods: int = 0
    claims_by_relation: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    failed_inputs: list[str] = field(default_factory=list)  # file-level errors, one line each
    triples: int = 0
    exports: list[str] = field(default_factory=list)  # names in pipeline.export.EXPORTERS
    files: list[Path] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return sum(self.claims_by_relation.values())


def read_inputs(
    inputs: Sequence[Path], summary: BuildSummary, format: str | None = None
) -> Iterator[Paper]:
    """Stream Papers from every input; file-level errors and bad records go to summary."""
    first_source: dict[str, str] = {}  # paper id -> the input it was first read from
    for path in inputs:
        summary.inputs.append(str(path))
        papers, skipped = summary.papers, len(summary.skipped)
        try:
            for record in read_papers(Path(path), format=format):
                if isinstance(record, Paper) and record.id in first_source:
                    # read_papers drops repeats within one input; this catches them across inputs.
                    record = Skipped(
                        record.source, None,
                        f"record {record.position + 1} repeats paper {record.id} "
                        f"(read from {first_source[record.id]}); skipped",
                    )
                if isinstance(record, Skipped):
                    summary.skipped.append(record)
                else:
                    first_source[record.id] = record.source
                    summary.papers += 1
                    yield record
        except InputError as err:
            summary.failed_inputs.append(str(err))
            continue
        if summary.papers == papers and len(summary.skipped) == skipped:
            # Readable, yet not one record in it (a header row only, page chrome only):
            # say so, or the file would vanish from the summary without a word.
            summary.skipped.append(Skipped(str(path), None, "no abstract found in it"))


def _count(extractions: Iterable[Extraction], summary: BuildSummary) -> Iterator[Extraction]:
    for extraction in extractions:
        if extraction.methods:
            summary.papers_with_methods += 1
        summary.claims_by_relation.update(c.relation for c in extraction.claims)
        yield extraction


def _progress(papers: Iterator[Paper], show: bool) -> Iterator[Paper]:
    if not show:
        return papers
    from tqdm import tqdm

    return iter(tqdm(papers, desc="effikg build", unit=" abstracts", file=sys.stderr))


def show_progress_default() -> bool:
    """A bar on an interactive terminal; silence in CI and in pipes."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _move_into_place(scratch: Path, out_dir: Path) -> None:
    """Replace what the build owns in out_dir with the finished files, entry by entry."""
    # Exporters write through temporary files (mode 0o600): give every output the mode a
    # plain open() would, so that others (a web server, a colleague) can read the build.
    mode = new_file_mode()
    for path in scratch.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)
    out_dir.mkdir(parents=True, exist_ok=True)
    for entry in sorted(scratch.iterdir()):
        target = out_dir / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(entry, target)


def run_build(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    format: str | None = None,
    min_confidence: float = 0.0,
    progress: bool = False,
    exports: Sequence[str] | None = None,
) -> BuildSummary:
    """Build the knowledge graph of `inputs` (the bundled corpus when empty) into out_dir.

    `exports` names what to write (pipeline.export.EXPORTERS; default: all of them);
    effikg.ttl is always written. Other files already in out_dir are left as they are.
    """
    from pipeline.graph import to_rdf
    from pipeline.nlp import extract
    from pipeline.validate import validate

    summary = BuildSummary(exports=[e.name for e in select_exporters(exports)])  # fails before reading
    inputs = list(inputs) or bundled_corpus()
    out_dir = Path(out_dir)
    papers = _progress(read_inputs(inputs, summary, format), progress)
    graph = to_rdf(_count(extract(papers, min_confidence=min_confidence), summary))
    if summary.papers == 0:
        problems = summary.failed_inputs + [str(s) for s in summary.skipped]
        if len(problems) <= 1:
            raise BuildError("no abstract could be read" + "".join(f": {p}" for p in problems))
        # One line a problem, each naming its file, as for a build that did read something.
        raise BuildError("\n  ".join(["no abstract could be read:", *problems]))
    result = validate(graph)
    if not result.conforms:
        raise BuildError("the built graph does not conform to ontology/shapes.ttl:\n" + result.text)
    summary.triples = len(graph)

    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".effikg-build-", dir=out_dir.parent) as tmp:
            scratch = Path(tmp)
            written = save_exports(graph, scratch, summary.exports)
            _move_into_place(scratch, out_dir)
    except OSError as err:
        # A full disk or a folder that cannot be written: the scratch folder is gone
        # with everything in it, and whatever out_dir held before is left as it was.
        where = err.filename or out_dir
        raise BuildError(f"{where}: cannot write the build ({err.strerror or err})") from err
    summary.files = sorted(out_dir / p.relative_to(scratch) for p in written)
    return summary
