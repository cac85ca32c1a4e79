"""pipeline.corpus: the seed corpus is installed with the package."""

from __future__ import annotations

from pipeline.corpus import bundled_corpus


def test_corpus_bundled_corpus_is_installed_with_the_package() -> None:
    files = bundled_corpus()
    assert [f.name[:3] for f in files] == ["000", "001", "002", "003", "004"]
    assert all(f.is_file() and f.suffix == ".txt" for f in files)
