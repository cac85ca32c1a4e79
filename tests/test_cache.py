"""pipeline.cache: extractions read back as they were written; keys follow the extractor;
an incremental build runs the NLP on new abstracts only and writes what a clean build does."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.build import ExtractOptions, run_build
from pipeline.cache import (
    ExtractionCache, _files_digest, extraction_from_bytes, extraction_to_bytes, from_jsonable, to_jsonable,
)
from pipeline.records import Extraction
from test_graph import all_extractions


def _files(folder: Path) -> dict[str, bytes]:
    # The graph store is a database: its bytes differ build to build (what it holds does not).
    skip = (".effikg-cache/", ".effikg-manifest.json", ".effikg-store/")
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith(skip)}


def test_cache_extraction_round_trips() -> None:
    for extraction in all_extractions():
        back = extraction_from_bytes(extraction_to_bytes(extraction), extraction.paper)
        assert back == extraction


def test_cache_record_missing_a_new_field_reads_back_with_its_default() -> None:
    extraction = all_extractions()[0]
    data = to_jsonable(extraction)
    del data["surface_forms"]  # as written before a field existed
    for claim in data["claims"]:
        del claim["baseline"]
    back = from_jsonable(Extraction, json.loads(json.dumps(data)))
    assert back.surface_forms == () and all(c.baseline is None for c in back.claims)


def test_cache_entry_takes_the_paper_it_is_read_for(tmp_path: Path) -> None:
    from dataclasses import replace

    extraction = next(e for e in all_extractions() if e.claims)
    moved = replace(extraction.paper, id="h-123", source="other.jsonl", position=7)
    back = extraction_from_bytes(extraction_to_bytes(extraction), moved)
    assert back.paper == moved and {c.paper_id for c in back.claims} == {"h-123"}


def test_cache_extractor_version_covers_sub_folders(tmp_path: Path) -> None:
    (tmp_path / "patterns").mkdir()
    (tmp_path / "a.py").write_text("x = 1\n")
    before = _files_digest(tmp_path)
    (tmp_path / "patterns" / "new.jsonl").write_text('{"label": "X"}\n')
    added = _files_digest(tmp_path)
    (tmp_path / "patterns" / "new.jsonl").write_text('{"label": "Y"}\n')
    assert len({before, added, _files_digest(tmp_path)}) == 3


def test_cache_extractor_version_covers_every_module_extraction_imports() -> None:
    """A change to a module the NLP imports (normalize.py's plurals, say) must miss the cache."""
    import subprocess
    import sys

    from pipeline.cache import EXTRACTOR_MODULES

    code = ("import sys, pipeline.nlp, pipeline.nlp.extract; print(' '.join(sorted(m for m in sys.modules "
            "if m.startswith('pipeline') and not m.startswith(('pipeline.nlp', 'pipeline.vocab')))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    files = {"__init__.py" if m == "pipeline" else m.removeprefix("pipeline.") + ".py" for m in loaded}
    assert files <= set(EXTRACTOR_MODULES), files - set(EXTRACTOR_MODULES)


def test_cache_model_meta_is_the_loaded_models() -> None:
    from pipeline.cache import MODEL_PACKAGE, model_meta
    from pipeline.nlp.loading import MODEL_PACKAGE as LOADED, model_path

    assert MODEL_PACKAGE == LOADED
    assert model_meta().read_bytes() == (model_path() / "meta.json").read_bytes()


def test_cache_key_changes_with_text_title_threshold_and_version(tmp_path: Path) -> None:
    from dataclasses import replace

    paper = all_extractions()[0].paper
    cache = ExtractionCache(tmp_path / "cache")
    other_threshold = ExtractionCache(tmp_path / "cache", min_confidence=0.5)
    keys = {cache.key(paper), cache.key(replace(paper, title="Another")),
            cache.key(replace(paper, abstract=paper.abstract + " More.")), other_threshold.key(paper)}
    cache.version = "another extractor"
    keys.add(cache.key(paper))
    assert len(keys) == 5
    # Metadata the extractor does not read does not change the key.
    assert other_threshold.key(replace(paper, id="x", source="y", doi="10.1/z")) == other_threshold.key(paper)
    cache.close()
    other_threshold.close()


@pytest.mark.slow
def test_cache_incremental_build_matches_clean_build(tmp_path: Path) -> None:
    from pipeline.corpus import bundled_corpus

    first, second = bundled_corpus()[:1], bundled_corpus()[:2]
    out, cache = tmp_path / "out", tmp_path / "out" / ".effikg-cache"
    options = ExtractOptions(cache=cache)
    run_build(first, out, extract=options)
    summary = run_build(second, out, extract=options)
    assert summary.cache_hits > 0
    new = summary.cache_misses
    assert summary.cache_hits + new == summary.papers
    assert (cache / "extractions.sqlite").is_file()  # carried over the folder swap

    clean = run_build(second, tmp_path / "clean")
    assert _files(out) == _files(tmp_path / "clean")
    assert clean.papers == summary.papers and new == clean.papers - run_build(first, tmp_path / "one").papers
    again = run_build(second, out, extract=options)
    assert again.cache_misses == 0 and _files(out) == _files(tmp_path / "clean")


def test_cache_folder_alone_does_not_make_a_folder_foreign(tmp_path: Path) -> None:
    """A first build that failed after its NLP leaves OUT/.effikg-cache: OUT is still free."""
    from pipeline.outdir import CACHE_DIR, prepare

    (tmp_path / "out" / CACHE_DIR).mkdir(parents=True)
    assert prepare(tmp_path / "out").owned == {}


def test_cache_finds_a_known_abstract_by_its_text_as_read(tmp_path: Path, monkeypatch) -> None:
    import pipeline.cache as cache_module

    extraction = next(e for e in all_extractions() if e.claims)
    cache = ExtractionCache(tmp_path)
    key = cache.key(extraction.paper)
    cache.put_many([(key, extraction)])
    cache.close()

    def no_cleaning(*args: object) -> str:
        raise AssertionError("a known abstract was cleaned again to find its key")

    monkeypatch.setattr(cache_module, "cache_key", no_cleaning)
    again = ExtractionCache(tmp_path)
    assert again.key(extraction.paper) == key
    assert again.get(extraction.paper, key) == extraction
    again.close()


def test_cache_rebuild_reuses_the_paper_pages_drawn_from_the_same_inputs(tmp_path: Path, monkeypatch) -> None:
    import pipeline.export.html as html
    from pipeline.corpus import bundled_corpus

    first = bundled_corpus()[:1]
    out = tmp_path / "out"
    options = ExtractOptions(cache=out / ".effikg-cache")
    run_build(first, out, extract=options)
    pages = sorted((out / "papers").glob("*.html"))
    assert len(pages) > 2
    pages[0].write_bytes(pages[0].read_bytes() + b"<!-- edited -->")  # not what the build wrote: drawn again
    drawn: list[str] = []
    draw = html._paper_page
    monkeypatch.setattr(html, "_paper_page", lambda sub, info, *args: drawn.append(info.slug) or draw(sub, info, *args))
    run_build(first, out, extract=options)
    assert drawn == [pages[0].stem]
    run_build(first, tmp_path / "clean")
    assert _files(out) == _files(tmp_path / "clean")


def test_cache_rebuild_reuses_the_paper_pages_whose_nodes_only_gained_links_elsewhere(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    # A new paper's edges raise the degree of nodes the other pages show (GPU, Speed), and
    # its forms of them are new aliases ("NVIDIA A100 GPUs"): those pages stay the files they
    # were, and papers/nodes.js, which they read both from in the browser, holds the new ones.
    import pipeline.export.html as html
    from pipeline.corpus import bundled_corpus

    first = bundled_corpus()[:1]
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({
        "id": "2501.00001", "title": "ZorbNet: fast kernels", "abstract":
        "We propose ZorbNet, an attention kernel for GPUs. ZorbNet runs 2.1x faster on NVIDIA A100 GPUs "
        "and cuts latency by 40%."}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    options = ExtractOptions(cache=out / ".effikg-cache")
    run_build(first, out, extract=options)
    before = _node_table(out)["degrees"]
    drawn: list[str] = []
    draw = html._paper_page
    monkeypatch.setattr(html, "_paper_page", lambda sub, info, *args: drawn.append(info.slug) or draw(sub, info, *args))
    run_build([*first, new], out, extract=options)
    table = _node_table(out)
    after = table["degrees"]
    gained = {n for n in before if after[n] != before[n]}
    assert "NVIDIA A100 GPUs" in table["aliases"]["hardware/nvidia-a100-gpu"]
    assert gained & {"hardware/gpu", "hardware/nvidia-a100-gpu", str(html.EKG.Speed)}
    assert drawn == ["2501.00001"]
    showing = [p for p in (out / "papers").glob("*.html") if any(f'"id":"{html.RES}{n}"' in p.read_text("utf-8")
                                                                for n in gained if not n.startswith("http"))]
    assert len(showing) > 1  # pages whose nodes gained links elsewhere, not drawn again
    run_build([*first, new], tmp_path / "clean")
    assert _files(out) == _files(tmp_path / "clean")


def _node_table(out: Path) -> dict:
    """papers/nodes.js's table (keys as written: the instance namespace left out)."""
    text = (out / "papers" / "nodes.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.effikgNodes = ").removesuffix(";\n"))


def test_cache_rebuild_reuses_the_rdf_blocks_whose_lines_are_unchanged(tmp_path: Path, monkeypatch) -> None:
    import pipeline.export.rdf as rdf
    from pipeline.corpus import bundled_corpus

    first, second = bundled_corpus()[:1], bundled_corpus()[:2]
    out = tmp_path / "out"
    options = ExtractOptions(cache=out / ".effikg-cache")
    run_build(first, out, extract=options)
    def blocks(name: str) -> dict[str, list]:
        return json.loads((out / ".effikg-store" / f"{name}.blocks.json").read_text())["blocks"]

    earlier = {name: blocks(f"effikg.{name}") for name in ("jsonld", "owl")}
    made: dict[str, list[str]] = {"jsonld": [], "owl": []}
    for name in made:
        block = getattr(rdf, f"_{name}_block")
        monkeypatch.setattr(rdf, f"_{name}_block", lambda lines, b=block, n=name: made[n].append(lines[0]) or b(lines))
    run_build(second, out, extract=options)  # a second input: new subjects, and changed ones
    for name, old in earlier.items():  # made: exactly the subjects whose lines are new or changed
        now = blocks(f"effikg.{name}")
        unchanged = {s for s, entry in now.items() if old.get(s, [None])[0] == entry[0]}
        assert unchanged and len(made[name]) == len(now) - len(unchanged)
    run_build(second, tmp_path / "clean")
    assert _files(out) == _files(tmp_path / "clean")

    # The earlier file edited: none of its bytes is taken, and the file is made again whole.
    (out / "effikg.jsonld").write_bytes((out / "effikg.jsonld").read_bytes().replace(b'"@id"', b'"@id" ', 1))
    made["jsonld"].clear()
    run_build(second, out, extract=options)
    assert len(made["jsonld"]) == len(blocks("effikg.jsonld")) and _files(out) == _files(tmp_path / "clean")
