"""Docs that match the code: what the README says docs/benchmarks.md holds, it holds."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_docs_benchmarks_the_readme_cites_have_figures() -> None:
    """Every script the README says has figures in docs/benchmarks.md has its section there,
    with a table of figures, and every script cited exists."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    benchmarks = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    sentence = re.search(r"Speed figures are in \[docs/benchmarks\.md\].*?\);", readme, re.DOTALL)
    assert sentence, "the README no longer says where the speed figures are"
    cited = re.findall(r"python (benchmarks/\w+\.py)", sentence.group())
    assert cited
    for script in cited:
        assert (REPO / script).is_file(), script
        section = re.search(rf"^## [^\n]*`python {re.escape(script)}`\n(.*?)(?=^## |\Z)", benchmarks,
                            re.MULTILINE | re.DOTALL)
        assert section, f"docs/benchmarks.md has no section for {script}, which the README says it has"
        assert re.search(r"^\|.*\d.*\|$", section.group(1), re.MULTILINE), f"{script}: no figures in its section"
