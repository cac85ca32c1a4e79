"""`effikg build`: read -> extract -> resolve -> assemble -> validate -> export, as one library call.

The build is the only stage that runs the NLP. A record that cannot be read, extracted or
written is skipped with one line; the rest is built. Everything the build writes goes to a
scratch folder on the output's filesystem first, which then replaces the output folder as
a whole (pipeline.outdir): a failed or killed build never leaves half-written output, and
nothing effikg did not write is ever removed.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.corpus import bundled_corpus
from pipeline.errors import BuildError, ExportError, InputError, InputsFailedError
from pipeline.export import EXPORTERS, select_exporters
from pipeline.files import new_file_mode
from pipeline.ingest import STDIN, read_papers
from pipeline.ingest.common import COMPRESSED_SUFFIXES, describe_error
from pipeline.ingest.filters import Dedup, PaperFilter
from pipeline.progress import Progress
from pipeline.records import Entity, Extraction, Notice, Paper, Skipped
from pipeline.vocab import VocabExtra, vocabulary_hash

if TYPE_CHECKING:  # imported where used: they load the exporters and the store
    from pipeline.parallel import SharedExports
    from pipeline.store import StoreAssembly

# Papers sent to the model at a time; a batch that fails is redone paper by paper.
EXTRACT_BATCH = 64
# Inputs this large hold more than one batch (the bundled abstracts average 1.6 kB, a
# batch about 100 kB): worth starting the workers at once. A compressed file (by its
# suffix, as the readers know them) holds about COMPRESSION times its size of text.
EARLY_START_BYTES = 100_000
COMPRESSION = 3
# CPU s of the shape checks in a build of 1,000 abstracts, in the units of
# pipeline.export.Exporter.cost: the build process's work beside its share of the exports.
SHAPE_CHECK_COST = 0.60
# ... and of filling the on-disk store from the sorted lines, when it is deferred until the
# export workers have their shares (StoreAssembly.finish(defer_load=True)).
STORE_LOAD_COST = 0.32
# What no output format can write (XML 1.0 forbids these; UTF-8 cannot encode surrogates).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@dataclass
class BuildSummary:
    """What a build read, skipped and wrote; printed by the CLI."""

    inputs: list[str] = field(default_factory=list)
    papers: int = 0
    papers_with_methods: int = 0
    claims_by_relation: Counter[str] = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)  # records kept, but changed (cut, cleaned)
    failed_inputs: list[str] = field(default_factory=list)  # file-level errors, one line each
    triples: int = 0
    filtered: int = 0  # papers read but left out by --category, --since, --until or --match
    jobs: int = 1  # worker processes the NLP ran in (1: in this process; 0: on a Dask cluster)
    cache_hits: int = 0  # abstracts whose extraction came from the cache
    cache_misses: int = 0
    exports: list[str] = field(default_factory=list)  # names in pipeline.export.EXPORTERS
    files: list[Path] = field(default_factory=list)

    @property
    def claims(self) -> int:
        return sum(self.claims_by_relation.values())


def read_inputs(
    inputs: Sequence[Path], summary: BuildSummary, format: str | None = None,
    filter: PaperFilter = PaperFilter(),
) -> Iterator[Paper]:
    """Stream the Papers of every input that `filter` keeps, each paper once (pipeline.ingest.
    filters.Dedup: same arXiv id, DOI or title, across inputs and formats); file-level
    errors and bad records go to summary. Reading stops at filter.limit papers."""
    dedup = Dedup()
    for path in inputs:
        if filter.limit is not None and summary.papers >= filter.limit:
            break
        summary.inputs.append(str(path))
        papers, skipped, left_out = summary.papers, len(summary.skipped), summary.filtered
        try:
            yield from _read_one(path, summary, format, filter, dedup)
        except InputError as err:
            summary.failed_inputs.append(str(err))
            continue
        if summary.papers == papers and len(summary.skipped) == skipped and summary.filtered == left_out:
            # Readable, yet not one record in it (a header row only, page chrome only):
            # say so, or the file would vanish from the summary without a word.
            summary.skipped.append(Skipped(str(path), None, "no abstract found in it"))


def _read_one(path: Path, summary: BuildSummary, format: str | None, filter: PaperFilter,
              dedup: Dedup) -> Iterator[Paper]:
    records = read_papers(Path(path), format=format)
    try:
        for record in records:
            if isinstance(record, Paper) and not filter.keep(record):
                summary.filtered += 1
                continue
            if isinstance(record, Paper) and (first := dedup.first_seen(record)) is not None:
                record = Skipped(record.source, None, f"record {record.position + 1} repeats paper "
                                 f"{first[0]} (read from {first[1]}); skipped")
            if isinstance(record, Skipped):
                summary.skipped.append(record)
            elif isinstance(record, Notice):
                summary.notices.append(record)
            else:
                summary.papers += 1
                yield record
                if filter.limit is not None and summary.papers >= filter.limit:
                    return
    finally:
        records.close()  # type: ignore[attr-defined]  # --limit: the file is closed now, not at exit


@dataclass(frozen=True)
class ExtractOptions:
    """Where and how the NLP runs: worker processes or a Dask cluster, and the cache."""

    jobs: int = 1  # worker processes (1: in this process)
    dask: str | None = None  # a Dask scheduler's address; then jobs is not used
    cache: Path | None = None  # the extraction cache folder (None: no cache)
    vocab: VocabExtra | None = None  # the project's vocabulary overlay
    model: Path | None = None  # a scorer folder from `effikg train` (None: the shipped one)


def _cache_salt(options: ExtractOptions) -> str:
    """What besides effikg's own files decides an extraction: the overlay and the scorer."""
    import hashlib

    model = b""
    if options.model:
        from pipeline.nlp.scorer import model_file  # only then: pipeline.nlp imports spaCy

        model = model_file(options.model).read_bytes()
    vocab = options.vocab.to_json() if options.vocab else ""
    return hashlib.sha256(model + vocab.encode("utf-8")).hexdigest()


def _nlp_certain_in_workers(options: ExtractOptions, cache: Path | None, inputs: Sequence[Path] = (),
                            limit: int | None = None) -> bool:
    """Whether the NLP will run in local worker processes on the default pipeline, with no
    cache to spare it (none, or none written yet), and more than one batch to run (else it
    runs in place): then those workers can be started before anything is read
    (pipeline.parallel.start_nlp_server). The inputs' size stands in for their count, not
    known before they are read. An input that cannot even be looked at says no: reading it
    reports what is wrong."""
    from pipeline.cache import CACHE_FILE
    from pipeline.parallel import Extractor

    if options.dask is not None or options.jobs <= 1 or (limit is not None and limit <= EXTRACT_BATCH):
        return False
    if not Extractor(vocab=options.vocab, model=options.model).default_pipeline:
        return False
    try:
        if cache is not None and (cache / CACHE_FILE).is_file():
            return False
        return _input_bytes(inputs, EARLY_START_BYTES) >= EARLY_START_BYTES
    except OSError:
        return False


def _start_workers_early(options: ExtractOptions, cache: Path | None, inputs: Sequence[Path],
                         limit: int | None) -> bool:
    """Start the NLP server (pipeline.parallel.start_nlp_server) before anything is read
    when the NLP is sure to run in its workers (_nlp_certain_in_workers); whether it was."""
    if not _nlp_certain_in_workers(options, cache, inputs, limit):
        return False
    from pipeline.parallel import start_nlp_server

    start_nlp_server()
    return True


def _input_bytes(inputs: Sequence[Path], enough: int) -> int:
    """The inputs' size in bytes (a folder's files, a compressed file as COMPRESSION times
    its own), counted until `enough`."""
    total = 0
    for path in map(Path, inputs):
        files = (Path(root, name) for root, _, names in os.walk(path) for name in names) if path.is_dir() else [path]
        for file in files:
            if file.is_file():
                scale = COMPRESSION if file.suffix.lower() in COMPRESSED_SUFFIXES else 1
                total += file.stat().st_size * scale
            if total >= enough:
                return total
    return total


def extract_each(
    papers: Iterable[Paper], summary: BuildSummary, min_confidence: float = 0.0,
    options: ExtractOptions = ExtractOptions(),
) -> Iterator[Extraction]:
    """Extract batch by batch; a paper the model or the assembly cannot take is a Skipped.

    Batches run where `options` says (pipeline.parallel) and come back in input order;
    cached abstracts are not sent at all. Each extraction is settled by
    `pipeline.resolve.resolve_paper` and checked for what graph assembly and the writers
    reject, so that nothing fails later, where it would take the whole build down.
    """
    from pipeline.cache import ExtractionCache
    from pipeline.parallel import Extractor, Failed, dask_runner, local_runner
    from pipeline.resolve import resolve_paper

    papers = iter(papers)
    head = list(islice(papers, EXTRACT_BATCH + 1))
    papers = chain(head, papers)
    # One batch is not worth starting workers for (each loads the model): run it here.
    jobs = options.jobs if len(head) > EXTRACT_BATCH else 1
    summary.jobs = 0 if options.dask else jobs
    extractor = Extractor(min_confidence, options.vocab, options.model)
    runner = dask_runner(options.dask, extractor) if options.dask else local_runner(jobs, extractor)
    cache = ExtractionCache(options.cache, min_confidence, salt=_cache_salt(options)) if options.cache is not None else None
    try:
        with runner as run:
            batches = _batches(papers, EXTRACT_BATCH, tail=EXTRACT_BATCH * jobs if jobs > 1 else 0)
            for outcomes in (run(batches) if cache is None else _through_cache(batches, run, cache)):
                for outcome in outcomes:
                    if not isinstance(outcome, Failed):
                        outcome = resolve_paper(outcome, options.vocab)  # before the check: it sees what is assembled
                    problem = outcome.problem if isinstance(outcome, Failed) else unwritable(outcome)
                    if problem is None:
                        yield outcome  # type: ignore[misc]
                    else:
                        _skip(summary, outcome.paper, problem)
    finally:
        if cache is not None:
            summary.cache_hits, summary.cache_misses = cache.hits, cache.misses
            if cache.problem:
                summary.notices.append(Notice(str(cache.folder), None, cache.problem.split(": ", 1)[1]))
            cache.close()


def _through_cache(batches: Iterable[list[Paper]], run, cache) -> Iterator[list]:
    """run() over what the cache lacks; each batch's outcomes, cached ones merged back in order."""
    from pipeline.records import Extraction as _Extraction

    held: deque[tuple[list[str], list[Extraction | None]]] = deque()

    def misses() -> Iterator[list[Paper]]:
        for batch in batches:
            keys = [cache.key(p) for p in batch]
            found = [cache.get(p, k) for p, k in zip(batch, keys)]
            held.append((keys, found))
            yield [p for p, f in zip(batch, found) if f is None]

    for fresh in run(misses()):
        keys, found = held.popleft()
        new = iter(fresh)
        merged = [f if f is not None else next(new) for f in found]
        cache.put_many((k, o) for k, f, o in zip(keys, found, merged) if f is None and isinstance(o, _Extraction))
        yield merged


def _batches(papers: Iterable[Paper], size: int, tail: int = 0) -> Iterator[list[Paper]]:
    """`size` papers a batch, but the last `tail` (the input read that far ahead to know
    them) in quarter batches: so that the workers run out of work together, rather than
    one idling while the other does the whole last batch."""
    ahead: deque[Paper] = deque()
    for paper in papers:
        ahead.append(paper)
        if len(ahead) == tail + size:
            yield [ahead.popleft() for _ in range(size)]
    small = max(1, size // 4) if tail else size
    while ahead:
        yield [ahead.popleft() for _ in range(min(small, len(ahead)))]


def _skip(summary: BuildSummary, paper: Paper, problem: str) -> None:
    summary.papers -= 1
    summary.skipped.append(Skipped(paper.source, None, f"record {paper.position + 1}: {problem}; skipped"))


def unwritable(extraction: Extraction) -> str | None:
    """Why graph assembly or a writer would reject this extraction, or None."""
    from pipeline.graph import hardware_types, iri_for

    entities: list[Entity] = list(extraction.methods)
    texts: list[str] = [t for _, t in extraction.surface_forms]
    for claim in extraction.claims:
        entities += [e for e in (claim.subject, claim.object, claim.hardware, claim.baseline, claim.metric) if e]
        texts += [claim.sentence, claim.subject_text, claim.object_text]
        if claim.figure is not None:
            texts += [claim.figure.text, claim.figure.unit or "", claim.figure.qualifier or ""]
    paper = extraction.paper
    texts += [paper.id, paper.abstract, paper.title or "", paper.venue or "", paper.doi or "",
              paper.code_url or "", paper.source, *paper.categories]
    try:
        for entity in entities:
            iri_for(entity)
            if entity.type == "Hardware":
                hardware_types(entity)
            texts += [entity.label, entity.key]
    except ValueError as err:
        return f"cannot be put in the graph ({err})"
    bad = next((t for t in texts if _UNWRITABLE.search(t)), None)
    if bad is not None:
        char = _UNWRITABLE.search(bad).group()  # type: ignore[union-attr]
        return f"holds a character no output can carry ({char!r})"
    return None


def _count(extractions: Iterable[Extraction], summary: BuildSummary) -> Iterator[Extraction]:
    for extraction in extractions:
        if extraction.methods:
            summary.papers_with_methods += 1
        summary.claims_by_relation.update(c.relation for c in extraction.claims)
        yield extraction


def show_progress_default() -> bool:
    """A bar on an interactive terminal; silence in CI and in pipes."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _make_readable(scratch: Path) -> None:
    """Exporters write through temporary files (mode 0o600): give every output the mode a
    plain open() would, so that others (a web server, a colleague) can read the build."""
    mode = new_file_mode()
    for path in scratch.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.chmod(mode)


# The build's own scratch files (the sorted runs, the sorted lines) inside its scratch
# folder; removed before the folder becomes the build.
WORK_DIR = ".effikg-work"


def _build_in_scratch(plan, papers: Iterable[Paper], summary: BuildSummary, refused: list[bool], *,
                      min_confidence: float, options: ExtractOptions, keep_going: bool, info,
                      bar: Progress, early_exports: bool = False) -> tuple[list[str], list[str]]:
    """Extract and assemble as the papers stream past, then validate and export, in a
    scratch folder that then becomes the build; return the files written (relative to the
    folder) and the commit's warnings. `refused` gets True when the input is refused
    (`_check_read`), not when anything after reading fails."""
    from pipeline import __version__
    from pipeline.outdir import commit, scratch_folder

    # What the exports not named would write: an earlier build's copies of it stay.
    keep = tuple(f for e in EXPORTERS.values() if e.name not in summary.exports for f in e.files)
    try:
        with scratch_folder(plan) as scratch:
            written = _extract_assemble_export(plan, papers, summary, refused, scratch, min_confidence=min_confidence,
                                               options=options, keep_going=keep_going, info=info, bar=bar,
                                               early_exports=early_exports)
            _make_readable(scratch)
            return written, commit(plan, scratch, __version__, keep=keep)
    except ExportError as err:  # the graph holds what a format cannot carry
        raise type(err)(f"{err}; the output folder is left as it was") from err
    except OSError as err:
        # A full disk or a folder that cannot be written: the scratch folder is gone
        # with everything in it, and whatever the output folder held is left as it was.
        where = err.filename or plan.out
        raise BuildError(f"{where}: cannot write the build ({err.strerror or err}); "
                         "the output folder is left as it was") from err
    except (ValueError, UnicodeError) as err:
        raise BuildError(f"cannot write the build ({describe_error(err)}); "
                         "the output folder is left as it was") from err


def _extract_assemble_export(plan, papers: Iterable[Paper], summary: BuildSummary, refused: list[bool], scratch: Path,
                             *, min_confidence: float, options: ExtractOptions, keep_going: bool, info,
                             bar: Progress, early_exports: bool = False) -> list[str]:
    """Each paper assembled as the NLP hands it over, then the rest: the files written.
    The export worker processes (SharedExports) start once the input is all read, so that
    they import the exporters while the NLP finishes its last batches rather than after
    it, and are gone again before the build is committed; with `early_exports` (the NLP
    server started before reading: run_build) they start at once, while the server loads
    the model and a core would idle."""
    from contextlib import ExitStack

    from pipeline.parallel import SharedExports
    from pipeline.store import StoreAssembly

    assembly = StoreAssembly(scratch / WORK_DIR, build=info)
    read_all: list[bool] = []
    with ExitStack() as stack:
        exports = stack.enter_context(SharedExports(options.jobs)) if early_exports else None
        # Made in the loop's head, not named: a failure in it then closes the NLP at once.
        for extraction in bar.done(_count(extract_each(_then(papers, read_all), summary, min_confidence, options),
                                          summary)):
            if exports is None and read_all:
                exports = stack.enter_context(SharedExports(summary.jobs))
            assembly.add(extraction)  # a paper's triples, made as it comes
        try:
            _check_read(summary, keep_going)
        except BuildError:
            refused.append(True)
            raise
        if exports is None:  # no extraction came after the input was all read (the last papers were skipped)
            exports = stack.enter_context(SharedExports(summary.jobs))
        return _assemble_and_export(assembly, exports, scratch, summary, previous=plan.out if plan.owned else None)


def _then(papers: Iterable[Paper], done: list[bool]) -> Iterator[Paper]:
    """`papers`, and True put in `done` once they are all read."""
    yield from papers
    done.append(True)


def _assemble_and_export(assembly: StoreAssembly, exports: SharedExports, scratch: Path, summary: BuildSummary,
                         previous: Path | None = None) -> list[str]:
    """What waits for the last paper: the assembly finished into the store (pipeline.store),
    validated there, every export streamed from it; returns the files written, relative to
    scratch. `previous`: the build the output folder holds, whose unchanged work an exporter
    may reuse. `exports` (pipeline.parallel.SharedExports) shares the exports with its
    worker processes, which write theirs while this process runs the shape checks and its own."""
    import shutil

    from pipeline.outdir import STORE_DIR
    from pipeline.store import fill_store, finish_store
    from pipeline.validate import check_store

    # The export workers read the lines, not the store (below StoreSource.MEMORY_TRIPLES):
    # they start first, and this process fills the store as its first work beside theirs.
    source = assembly.finish(scratch / STORE_DIR, defer_load=True)
    try:
        source.previous = previous
        exports.start(source, scratch, summary.exports,
                      beside=SHAPE_CHECK_COST + (0.0 if source.loaded else STORE_LOAD_COST))
        fill_store(source)
        # The verdicts of pySHACL (`effikg validate`), by SPARQL on the store.
        result = check_store(source.reader, source.iter_triples, len(source))
        source.release()
        if not result.conforms:
            raise BuildError("the built graph does not conform to ontology/shapes.ttl:\n" + result.text)
        summary.triples = len(source)
        written = [p.relative_to(scratch).as_posix() for p in exports.finish(source, scratch)]
        finish_store(source, scratch / STORE_DIR)
    finally:
        source.release()  # closed before its folder moves, or is removed after a failure
    shutil.rmtree(assembly.work)
    return written


def _check_inputs_exist(inputs: Sequence[Path]) -> None:
    missing = [p for p in inputs if str(p) != STDIN and not os.path.lexists(p)]
    if missing:
        raise InputsFailedError(_problem_lines(
            "cannot read the input" + ("s" if len(missing) > 1 else ""),
            [f"{p}: no such file or folder" for p in missing],
        ) + "; nothing was written (--keep-going builds the inputs that can be read)")


def _problem_lines(head: str, problems: Sequence[str]) -> str:
    """One problem: one line; more: one line each, under the head."""
    if len(problems) <= 1:
        return head + "".join(f": {p}" for p in problems)
    return "\n  ".join([head + ":", *problems])


def _start(inputs: list[Path], out_dir: Path, *, model: Path | None, keep_going: bool, force: bool):
    """What can fail before anything is read, failed fast: a bad scorer, a missing input,
    an output folder that is refused. Returns the output folder's plan (pipeline.outdir)."""
    from pipeline.outdir import prepare

    if model is not None:
        from pipeline.nlp.scorer import load_model, model_file

        load_model(model_file(model))  # a bad --model fails here, not as every paper's error
    if not keep_going:
        _check_inputs_exist(inputs)  # before the model loads: a typo fails in a second
    try:
        return prepare(out_dir, force=force)  # before the NLP: a refused folder fails fast
    except OSError as err:
        raise BuildError(f"{err.filename or out_dir}: cannot use it as the output folder "
                         f"({err.strerror or err})") from None


def _new_folders(out_dir: Path, cache: Path | None) -> list[Path]:
    """The output folder, the cache folder and their parents that do not exist yet: what a
    failed build must not leave behind."""
    candidates = (out_dir, *out_dir.parents, *((cache, *cache.parents) if cache is not None else ()))
    return [p for p in dict.fromkeys(candidates) if not p.exists()]


def _remove_new_folders(cache: Path | None, folders: list[Path]) -> None:
    """Remove what a failed build created: `cache` (the cache folder it began) whole, then
    every other new folder (the output folder, its new parents) left empty by that, deepest
    first; nothing that was there before, and nothing a folder still holds."""
    import shutil

    for folder in sorted(folders, key=lambda f: -len(f.parts)):
        try:
            if folder == cache:
                shutil.rmtree(folder, ignore_errors=True)
            elif folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
                folder.rmdir()
        except OSError:
            pass  # not ours to fight over (a permission, a race): the build's own error stands


def _check_read(summary: BuildSummary, keep_going: bool) -> None:
    """Fail when nothing was read or passed the filters, or (unless keep_going) when a
    named input was unreadable."""
    if summary.papers == 0 and summary.filtered:
        raise BuildError(f"no abstract passed the filters ({summary.filtered} read, all left out by "
                         "--category, --since, --until or --match)")
    error = InputsFailedError if summary.failed_inputs else BuildError
    if summary.papers == 0:
        problems = summary.failed_inputs + [str(s) for s in summary.skipped]
        raise error(_problem_lines("no abstract could be read", problems))
    if summary.failed_inputs and not keep_going:
        raise error(_problem_lines("cannot read the input" + ("s" if len(summary.failed_inputs) > 1 else ""),
                                   summary.failed_inputs)
                    + "; nothing was written (--keep-going builds the inputs that can be read)")


def build_info(inputs: Sequence[Path], vocab: VocabExtra | None, **options: object):
    """The graph's record of this build: only what decides its content, no dates or paths."""
    from pipeline import __version__
    from pipeline.graph import BuildInfo

    extra = vocab or VocabExtra()
    lines = [f"hardware {label} ({kind}) = {', '.join(aliases) or label}" for label, kind, aliases in extra.hardware]
    lines += [f"hardware kind {label} = {kind}" for label, kind in extra.hardware_kinds]
    lines += [f"never a method: {name}" for name in extra.never_methods]
    lines += [f"merge {alias} = {target}" for alias, target in extra.merges]
    shown = tuple((k, str(v)) for k, v in sorted(options.items()) if v not in (None, False))
    return BuildInfo(__version__, tuple(sorted({Path(str(p)).name for p in inputs})), shown,
                     vocabulary_hash(extra), tuple(lines))


def run_build(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    format: str | None = None,
    min_confidence: float = 0.0,
    progress: bool = False,
    force: bool = False,
    exports: Sequence[str] | None = None,
    keep_going: bool = False,
    vocab: VocabExtra | None = None,
    model: Path | None = None,
    extract: ExtractOptions | None = None,
    filter: PaperFilter | None = None,
) -> BuildSummary:
    """Build the knowledge graph of `inputs` (the bundled corpus when empty) into out_dir.

    `exports` names what to write (pipeline.export.EXPORTERS; default: all of them);
    effikg.ttl is always written. out_dir is replaced as a whole and only what effikg
    wrote there is ever removed (see pipeline.outdir): an earlier build's files of the
    exports not named are kept as they are, and the user's files always are. A non-empty
    folder that holds no effikg build needs `force`. A named input that cannot be read at
    all (missing, empty, binary) raises InputsFailedError before anything is written,
    unless `keep_going`; bad records inside a readable input are only reported. `vocab`
    (a project file's [vocab]) goes on top of the shipped gazetteers. What the build was
    made from (version, inputs, options, vocabulary hash) is recorded on `res:build`.
    `model`: a scorer folder written by `effikg train` instead of the shipped one.
    `extract` says where the NLP runs and which cache it uses (default: in this process,
    no cache); `filter` which papers are read (pipeline.ingest.filters; default: all).
    """
    summary = BuildSummary(exports=[e.name for e in select_exporters(exports)])  # fails before reading
    inputs, out_dir = list(inputs) or bundled_corpus(), Path(out_dir)
    plan = _start(inputs, out_dir, model=model, keep_going=keep_going, force=force)
    filter = filter or PaperFilter()
    options = replace(extract or ExtractOptions(), vocab=vocab, model=model)
    cache = Path(options.cache) if options.cache is not None else None
    early = _start_workers_early(options, cache, inputs, filter.limit)  # first: the model loads while the rest starts
    bar = Progress(progress, filter.limit, inputs)
    papers = bar.read(read_inputs(inputs, summary, format, filter))
    info = build_info(inputs, vocab, format=format, min_confidence=min_confidence, keep_going=keep_going,
                      exports=",".join(summary.exports))
    fresh = _new_folders(out_dir, cache)
    refused: list[bool] = []
    try:
        written, warnings = _build_in_scratch(plan, papers, summary, refused, min_confidence=min_confidence,
                                              options=options, keep_going=keep_going, info=info, bar=bar,
                                              early_exports=early)
    except BaseException as err:
        # Whatever stopped it (bad input, a failed check or export, Ctrl-C), the folders this
        # build made are removed once empty; the cache it began goes too when the input was
        # refused (nothing of it is worth keeping), else it is kept: a full disk or a failed
        # export after hours of NLP keeps the NLP's work.
        bad_input = bool(refused)
        _remove_new_folders(cache if bad_input else None, fresh)
        raise
    summary.notices.extend(Notice(str(out_dir), None, warning) for warning in warnings)
    summary.files = sorted(out_dir / rel for rel in written)
    return summary
