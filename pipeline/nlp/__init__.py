"""effikg's spaCy pipeline: the pinned en_core_web_sm plus effikg's own components.

`make_nlp()` loads the model by path (never by a name spaCy would try to download) and
adds the components listed in config.cfg; `extract(papers)` streams one Extraction a
Paper. Results of the components live on doc._ (hardware, metrics, figures, names,
acronyms, proposed, claims).
"""

from __future__ import annotations

from pipeline.nlp.extract import extract
from pipeline.nlp.loading import (  # the loading of the pipeline lives in loading.py
    EXCLUDED_COMPONENTS, _cached_nlp, default_threshold, make_nlp, model_path, read_config, shared_nlp,
)

__all__ = ["EXCLUDED_COMPONENTS", "default_threshold", "extract", "make_nlp", "model_path", "read_config",
           "shared_nlp"]
