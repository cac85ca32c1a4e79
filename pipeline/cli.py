"""The `effikg` command: one sub-command a verb, each a thin layer over one library call.

Any EffikgError a command raises is printed as one clean line (`Error: ...`, exit code 1)
by the command group, in one place (exit code 2 when a named input cannot be read at all);
a traceback means a bug.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pipeline import __version__
from pipeline.errors import EffikgError
from pipeline.export import EXPORTERS, explain_unknown
from pipeline.normalize import counted

DEFAULT_OUT = Path("graphs")
DEFAULT_GRAPH = DEFAULT_OUT / "effikg.ttl"


class EffikgGroup(click.Group):
    """The command group: turns the library's errors into click's one-line errors."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EffikgError as err:
            clean = click.ClickException(str(err))
            clean.exit_code = err.exit_code  # 2 for an input that cannot be read at all
            raise clean from None


@click.group(cls=EffikgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="effikg")
def main() -> None:
    """effikg: research abstracts on efficient ML and its hardware, as a knowledge graph."""


def _export_names(ctx: click.Context, param: click.Parameter, value: str | None) -> list[str] | None:
    """`--export ttl,nt` -> ["ttl", "nt"]; a name not registered is a usage error."""
    if value is None:
        return None
    names = [name.strip() for name in value.split(",") if name.strip()]
    problem = explain_unknown(names)
    if problem:
        raise click.BadParameter(problem)
    return names


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
    show_default=True, help="Folder to write effikg.ttl and the other exports into.",
)
@click.option(
    "--format", "input_format", default=None,
    help="Force the input format instead of detecting it (see `effikg formats`).",
)
@click.option(
    "--min-confidence", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
    help="Drop claims whose confidence (the scorer's probability) is below this: higher keeps fewer, "
         "surer claims.",
)
@click.option(
    "--export", "exports", metavar="LIST", default=None, callback=_export_names,
    help=f"Exports to write, comma-separated (default: all): {', '.join(EXPORTERS)}. "
    "effikg.ttl is always written; files of the exports not named, and your own, are left as they are.",
)
@click.option(
    "--progress/--no-progress", default=None,
    help="Show a progress bar (default: only on an interactive terminal outside CI).",
)
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Project file with build options ([build]) and vocabulary additions ([vocab]); "
         "default: effikg.toml in the working folder, if there is one. Options given here win.",
)
@click.option(
    "--keep-going", is_flag=True,
    help="Build what can be read when a named INPUT cannot be read at all (missing, empty, "
         "binary); without it such an input stops the build with exit code 2 and nothing written.",
)
@click.option(
    "--force", is_flag=True,
    help="Build into a non-empty folder that holds no effikg build: files named as effikg's outputs "
         "(index.html, effikg.ttl, ...) are replaced, all others left alone.",
)
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None,
    help="Worker processes that run the NLP and share the exports (default: the machine's cores); the output "
         "is the same for any N.",
)
@click.option(
    "--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Folder of the extraction cache (default: OUT/.effikg-cache, kept across builds); an abstract "
         "seen before with the same text, title and extractor version is not run through the NLP again.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the extraction cache.")
@click.option(
    "--dask", "dask_address", metavar="ADDRESS", default=None,
    help="Run the NLP on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786); "
         "reading, assembly and writing stay here (docs/scale.md).",
)
@click.option("--category", "categories", metavar="LIST", default=None,
              help="Read only papers in any of these categories, comma-separated (cs.LG,cs.AR; cs.* for an archive).")
@click.option("--since", metavar="DATE", default=None,
              help="Read only papers dated on or after DATE (2023-01-31, 2023-01 or 2023); undated papers are left out.")
@click.option("--until", metavar="DATE", default=None, help="Read only papers dated on or before DATE.")
@click.option("--match", "match", metavar="REGEX", default=None,
              help="Read only papers whose title or abstract matches this Python regular expression.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Stop reading after N papers (after the filters and the removal of repeats).")
@click.option("--model", "model", type=click.Path(path_type=Path), default=None,
              help="A scorer folder written by `effikg train` (default: the model shipped with effikg).")
def build(
    inputs: tuple[Path, ...], out_dir: Path, input_format: str | None,
    min_confidence: float, exports: list[str] | None, progress: bool | None, force: bool,
    keep_going: bool, config_path: Path | None, model: Path | None,
    jobs: int | None, cache_dir: Path | None, no_cache: bool, dask_address: str | None,
    categories: str | None, since: str | None, until: str | None, match: str | None, limit: int | None,
) -> None:
    """Build the knowledge graph of INPUT files or folders (default: the bundled corpus).

    INPUT may be a FIFO or `-` for standard input, and gzip, bzip2 or zstd compressed; a
    paper met twice (same arXiv id, DOI or title) is read once. An INPUT that cannot be read at all
    fails the build (exit code 2, nothing written) unless --keep-going. Bad records inside
    a readable input are skipped with one line each; abstracts over 20,000 characters are cut there, with a warning. --out is
    replaced as a whole; only files a previous build wrote (listed in
    DIR/.effikg-manifest.json) are ever removed from it, and those of exports that
    --export leaves out are kept as they are.
    """
    from pipeline.build import ExtractOptions, run_build, show_progress_default
    from pipeline.config import find_project
    from pipeline.ingest import FORMATS
    from pipeline.outdir import CACHE_DIR
    from pipeline.parallel import default_jobs

    project = find_project(config_path)
    given = _project_options(click.get_current_context(), project.build)
    inputs = tuple(given.get("inputs", inputs))
    out_dir, input_format = given.get("out", out_dir), given.get("format", input_format)
    min_confidence, exports = float(given.get("min_confidence", min_confidence)), given.get("exports", exports)
    keep_going, force = given.get("keep_going", keep_going), given.get("force", force)

    if input_format is not None and input_format not in FORMATS:
        raise click.BadParameter(
            f"unknown format {input_format!r}; choose one of: {', '.join(FORMATS)}",
            param_hint="--format",
        )
    extract = ExtractOptions(
        jobs=jobs or default_jobs(), dask=dask_address,
        cache=None if no_cache else (cache_dir or out_dir / CACHE_DIR),
    )
    summary = run_build(
        inputs, out_dir, format=input_format, min_confidence=min_confidence, exports=exports,
        progress=show_progress_default() if progress is None else progress, force=force,
        keep_going=keep_going, vocab=project.vocab, model=model, extract=extract,
        filter=_paper_filter(categories, since, until, match, limit),
    )
    _report_build(summary, out_dir)


def _report_build(summary, out_dir: Path) -> None:
    """The build's problems (stderr), then what it read, found and wrote."""
    for line in summary.failed_inputs:
        click.echo(f"error: {line}", err=True)
    for skipped in summary.skipped:
        click.echo(f"skipped: {skipped}", err=True)
    for notice in summary.notices:
        click.echo(f"warning: {notice}", err=True)
    by_relation = ", ".join(f"{n} {rel}" for rel, n in sorted(summary.claims_by_relation.items()))
    left_out = f"; left out {summary.filtered} by the filters" if summary.filtered else ""
    click.echo(
        f"Read {counted(summary.papers, 'abstract')} from {counted(len(summary.inputs), 'input')}; "
        f"skipped {counted(len(summary.skipped), 'record')} and {counted(len(summary.failed_inputs), 'input')}{left_out}."
    )
    names = "paper names" if summary.papers_with_methods == 1 else "papers name"
    click.echo(
        f"{summary.papers_with_methods} {names} a method; "
        f"{counted(summary.claims, 'claim')} ({by_relation or 'none'}); {counted(summary.triples, 'triple')}."
    )
    if summary.cache_hits:
        click.echo(f"{summary.cache_hits} of {counted(summary.cache_hits + summary.cache_misses, 'abstract')} "
                   f"came from the extraction cache.")
    explore = f"; open {out_dir / 'index.html'} in a browser" if "html" in summary.exports else ""
    click.echo(f"Wrote {counted(len(summary.files), 'file')} to {out_dir}/{explore}.")


_OPTION_OF = {"inputs": "inputs", "out": "out_dir", "format": "input_format", "min_confidence": "min_confidence",
              "exports": "exports", "keep_going": "keep_going", "force": "force"}


def _project_options(ctx: click.Context, build: dict[str, Any]) -> dict[str, Any]:
    """The project file's [build] options that the command line did not set itself."""
    from click.core import ParameterSource

    return {key: value for key, value in build.items()
            if ctx.get_parameter_source(_OPTION_OF[key]) in (ParameterSource.DEFAULT, None)}


def _paper_filter(categories: str | None, since: str | None, until: str | None, match: str | None,
                  limit: int | None):
    """The build's PaperFilter; a bad date or pattern is a usage error naming the option."""
    from pipeline.ingest.filters import PaperFilter, explain_bad_date, explain_bad_pattern

    problems = [("--since", since and explain_bad_date(since)), ("--until", until and explain_bad_date(until)),
                ("--match", match is not None and explain_bad_pattern(match))]
    for name, problem in problems:
        if problem:
            raise click.BadParameter(problem, param_hint=name)
    listed = tuple(c.strip() for c in (categories or "").split(",") if c.strip())
    return PaperFilter(categories=listed, since=since and since.strip(), until=until and until.strip(),
                       match=match, limit=limit)


@main.command()
def formats() -> None:
    """List the input formats `--format` accepts, each with what it reads."""
    from pipeline.ingest import DESCRIPTIONS

    width = max(map(len, DESCRIPTIONS))
    for name, description in DESCRIPTIONS.items():
        click.echo(f"{name:<{width}}  {description}")


@main.command()
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_GRAPH)
@click.option(
    "--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_OUT / "report.md", show_default=True,
    help="Markdown file to write; its PNG plots go in the folder of the same name.",
)
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True,
    help="Rows in each top-N table.",
)
def report(graph: Path, out_path: Path, top: int) -> None:
    """Write a Markdown report (statistics, top-N tables, plots) of a built GRAPH."""
    from pipeline.report import write_report

    written = write_report(graph, out_path, top=top)
    click.echo(f"Wrote {out_path} and {len(written) - 1} plot(s).")


@main.command()
@click.argument("graph", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_GRAPH)
def validate(graph: Path) -> None:
    """Check a built GRAPH against the SHACL shapes; exit 1 when it does not conform."""
    from pipeline.validate import validate_file

    result = validate_file(graph)
    click.echo(result.text)
    if not result.conforms:
        raise SystemExit(1)


def _pairs(values: tuple[str, ...]) -> list[tuple[Path, list[Path]]]:
    """GOLD=CORPUS[,CORPUS...] arguments -> [(gold, [corpus, ...]), ...]."""
    pairs = []
    for item in values:
        gold, sep, corpus = item.partition("=")
        if not sep or not gold or not corpus:
            raise click.BadParameter(f"{item!r} is not GOLD=CORPUS (a gold JSONL file = a corpus file or folder)")
        pairs.append((Path(gold), [Path(c) for c in corpus.split(",") if c]))
    return pairs


MODEL_OPTION = click.option(
    "--model", "model", type=click.Path(path_type=Path), default=None,
    help="A scorer folder written by `effikg train` (default: the model shipped with effikg).",
)


@main.command("eval")
@click.argument("gold", metavar="GOLD|GOLD=CORPUS")
@click.argument("inputs", nargs=-1)
@click.option("--misses", is_flag=True, help="Also list missed and spurious triples.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the figures (and error lists) as JSON to this file.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Score only the triples at or above this confidence, as `build --min-confidence` keeps them.")
@click.option("--cv", "cv", type=click.IntRange(min=2), default=None, metavar="K",
              help="Cross-validate instead: retrain the scorer K times on GOLD=CORPUS pairs, score each held-out "
                   "fold of abstracts, and print the leave-one-set-out table.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the --cv folds.")
@click.option("--repeats", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Run --cv N times (seeds SEED..SEED+N-1) and print the mean micro F1 with its spread: "
                   "the noise a change to the extractor must beat.")
@click.option("--kind", type=click.Choice(["trees", "linear"]), default="trees", show_default=True,
              help="Scorer --cv trains: gradient-boosted trees or logistic regression.")
@MODEL_OPTION
def eval_(gold: str, inputs: tuple[str, ...], misses: bool, json_path: Path | None, min_confidence: float,
          cv: int | None, seed: int, repeats: int, kind: str, model: Path | None) -> None:
    """Score extraction on INPUT files (default: the bundled corpus) against a GOLD JSONL file.

    With --cv K the arguments are GOLD=CORPUS pairs (CORPUS: any file or folder `effikg
    build` reads; several joined by commas): the figures are those of abstracts the
    scorer was not trained on, per relation and micro, with the spread across folds."""
    from pipeline.evaluate import run_eval, save_json, to_text

    if repeats > 1 and cv is None:
        raise click.UsageError("--repeats N needs --cv K")
    if cv is not None:
        from pipeline.train import collect, cv_text

        click.echo(cv_text(collect(_pairs((gold, *inputs))), cv, seed=seed, kind=kind, repeats=repeats))
        return
    result = run_eval(Path(gold), [Path(i) for i in inputs], min_confidence=min_confidence, model=model)
    click.echo(to_text(result, misses=misses))
    if json_path is not None:
        save_json(result, json_path)


@main.command()
@click.argument("pairs", nargs=-1, required=True, metavar="GOLD=CORPUS...")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write scorer.json into (use it with --model).")
@click.option("--kind", type=click.Choice(["trees", "linear"]), default="trees", show_default=True,
              help="Gradient-boosted trees or logistic regression.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the trees' fitting.")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Probability a candidate needs to become a claim (default: the one in config.cfg).")
def train(pairs: tuple[str, ...], out_dir: Path, kind: str, seed: int, threshold: float | None) -> None:
    """Fit the candidate scorer on gold files and write it as JSON (same data, same bytes).

    PAIRS are GOLD=CORPUS: a gold JSONL file and the corpus file(s) or folder it annotates."""
    from pipeline.nlp import default_threshold
    from pipeline.train import collect, fit, write_model

    samples = collect(_pairs(pairs))
    model = fit(samples, kind=kind, seed=seed, threshold=default_threshold() if threshold is None else threshold)
    path = write_model(model, out_dir)
    click.echo(f"Trained a {kind} scorer on {len(samples)} abstracts ({model['trained_on']['candidates']} candidates); "
               f"wrote {path}.")


@main.command()
@click.argument("text", required=False)
@click.option("--paper", "paper_id", default=None, help="Explain this paper of the corpus instead of TEXT.")
@click.option("--corpus", "inputs", multiple=True, type=click.Path(path_type=Path),
              help="Corpus to find --paper in (default: the bundled corpus); repeatable.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the mentions rendered with displaCy to this HTML file.")
@click.option("--all-features", is_flag=True,
              help="Show every non-zero feature of each candidate, not only the six that moved its score "
                   "most (an effect: the score less the score with that feature set to 0).")
@MODEL_OPTION
def explain(text: str | None, paper_id: str | None, inputs: tuple[Path, ...], html_path: Path | None,
            all_features: bool, model: Path | None) -> None:
    """Show why each triple of an abstract is there or missing: its mentions, every candidate
    with its features and score, and which ones became claims."""
    from pipeline.explain import explain_paper, find_paper, text_paper

    if (text is None) == (paper_id is None):
        raise click.UsageError("give an abstract TEXT or --paper ID")
    paper = text_paper(text) if text is not None else find_paper(paper_id, inputs)
    click.echo(explain_paper(paper, model=model, html_path=html_path, all_features=all_features))


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


@main.command()
@click.argument("query_spec", metavar="NAME|FILE.rq|'SPARQL'", required=False)
@click.option(
    "--param", "params", multiple=True, metavar="KEY=VALUE",
    help="Bind a query parameter (repeatable); `--list` shows each query's parameters and defaults.",
)
@click.option(
    "--format", "output_format", type=click.Choice(["table", "csv", "json"]), default="table",
    show_default=True, help="Output: an aligned table, SPARQL CSV or SPARQL JSON results.",
)
@click.option(
    "--graph", "graph_path", type=click.Path(path_type=Path), default=DEFAULT_GRAPH,
    show_default=True, help="The built graph to query (Turtle, N-Triples, RDF/XML...), or a build's "
    "store folder (DIR/.effikg-store); a graph file a build wrote is answered from its store.",
)
@click.option("--list", "list_only", is_flag=True,
              help="List the named queries, what each answers and its parameters; with a NAME, show "
                   "that one query, what its parameters match and its SPARQL.")
def query(
    query_spec: str | None, params: tuple[str, ...], output_format: str, graph_path: Path, list_only: bool,
) -> None:
    """Run a named SPARQL query, a .rq file or SPARQL text on the built graph.

    A --param that names a thing is matched against the labels and aliases in the graph
    ignoring case, spaces, hyphens and vendor words (hardware=a100, "RTX 4090"); a metric
    may be any phrase for it (FLOPs, perplexity); a hardware kind is checked against the
    ontology's classes. A value that matches nothing is an error listing what would; a
    mistyped query name gets "did you mean"; a SPARQL syntax error shows the line and a
    caret under the position.

    Queries over 64 KiB, 5,000 tokens or 64 levels of nesting, and SERVICE, are refused
    before the engine parses them (deeper nesting would crash it).
    """
    from pipeline.query import describe_queries, describe_query, run_query

    if list_only:
        click.echo(describe_query(query_spec) if query_spec else describe_queries(), nl=False)
        return
    if not query_spec:
        raise click.UsageError("give a query NAME, a FILE.rq or SPARQL text (or --list)")
    result = run_query(graph_path, query_spec, _parse_params(params))
    click.echo(result.render(output_format), nl=False)


@main.command()
@click.option(
    "--graph", "graph_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_GRAPH,
    show_default=True, help="The built graph to serve; the explorer is served from its folder.",
)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any other than loopback prints a warning (the graph is then public).")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=10.0, show_default=True,
              help="Seconds a query may run; past it the client gets 503 and the query is stopped.")
@click.option("--max-rows", type=click.IntRange(1), default=10_000, show_default=True,
              help="Rows (or triples) a query may return; past it the client gets 400 and the query is stopped.")
@click.option("--cors", metavar="ORIGIN", default=None,
              help="Let web pages from ORIGIN (e.g. https://example.org, or *) read answers; none by default.")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Query processes, each holding the graph in memory; a slow query holds up only its own.")
def serve(graph_path: Path, host: str, port: int, timeout: float, max_rows: int, cors: str | None, workers: int) -> None:
    """Serve the built graph over the SPARQL 1.1 Protocol (/sparql), with the HTML explorer.

    Read-only. Queries over 64 KiB, 5,000 tokens or 64 levels of nesting, and SERVICE,
    are refused with 400 before they reach the engine. Only the files the build wrote
    beside the graph are served.
    """
    from pipeline.serve import serve as run_server

    run_server(graph_path, host=host, port=port, timeout=timeout, max_rows=max_rows, cors=cors, workers=workers)
