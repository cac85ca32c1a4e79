"""The bundled seed corpus: the abstracts `effikg build` and `effikg eval` read with no INPUT.

Bottom layer (data and where to find it), so every stage can name the corpus without
importing the build.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_corpus() -> list[Path]:
    """The seed corpus installed with the package, in file order."""
    corpus = resources.files("pipeline.corpus")
    return sorted(
        Path(str(p)) for p in corpus.iterdir() if p.name.endswith(".txt") and p.is_file()
    )
