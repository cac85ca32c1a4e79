"""The project file: `effikg.toml` in the working folder, or `effikg build --config FILE`.

    [build]                       # any option of `effikg build`; the command line wins
    inputs = ["papers.bib", "openalex.jsonl"]
    out = "graphs"
    min_confidence = 0.5
    exports = ["ttl", "html"]
    format = "bibtex"
    keep_going = true

    [vocab]                       # on top of the shipped gazetteers (pipeline/vocab)
    never_methods = ["ImageNet"]
    merges = { "DN-CBM" = "Discover-then-Name" }
    hardware_kinds = { "Tensor Core" = "GPU" }
    [[vocab.hardware]]
    label = "Cerebras WSE-3"
    kind = "ASIC"
    aliases = ["WSE-3"]

A file that is not TOML, or names an option effikg does not have, is an InputError
naming the file and the key. Relative paths are read from the file's own folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.vocab import HARDWARE_KINDS, VocabExtra, is_hardware_kind

PROJECT_FILE = "effikg.toml"
BUILD_KEYS = {"inputs": list, "out": str, "min_confidence": (int, float), "exports": list,
              "format": str, "keep_going": bool, "force": bool}
VOCAB_KEYS = {"hardware": list, "hardware_kinds": dict, "never_methods": list, "merges": dict}


@dataclass(frozen=True)
class Project:
    """What a project file says: build options (only those it sets) and vocabulary."""

    path: Path | None = None
    build: dict[str, Any] = field(default_factory=dict)
    vocab: VocabExtra = VocabExtra()


def find_project(config: Path | None, cwd: Path | None = None) -> Project:
    """The project of `--config FILE`, else ./effikg.toml if there is one, else none."""
    if config is not None:
        return read_project(config)
    default = (cwd or Path.cwd()) / PROJECT_FILE
    return read_project(default) if default.is_file() else Project()


def read_project(path: Path) -> Project:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(path, f"cannot read the project file ({err.strerror or err})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(path, f"is not a TOML project file ({err})") from None
    unknown = sorted(set(data) - {"build", "vocab"})
    if unknown:
        raise InputError(path, f"unknown table [{unknown[0]}]; a project file has [build] and [vocab]")
    build = _checked(path, "build", data.get("build", {}), BUILD_KEYS)
    base = Path(path).parent
    if "inputs" in build:
        build["inputs"] = [base / str(p) if str(p) != "-" else Path("-") for p in build["inputs"]]
    if "out" in build:
        build["out"] = base / build["out"]
    return Project(Path(path), build, _vocab(path, _checked(path, "vocab", data.get("vocab", {}), VOCAB_KEYS)))


def _checked(path: Path, table: str, values: object, keys: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(values, dict):
        raise InputError(path, f"[{table}] must be a table")
    for key, value in values.items():
        if key not in keys:
            raise InputError(path, f"[{table}] has no option {key!r}; options: {', '.join(keys)}")
        if not isinstance(value, keys[key]) or isinstance(value, bool) and keys[key] is not bool:
            raise InputError(path, f"[{table}] {key} has the wrong type ({type(value).__name__})")
    return dict(values)


def _vocab(path: Path, vocab: dict[str, Any]) -> VocabExtra:
    hardware = []
    for row in vocab.get("hardware", []):
        if not isinstance(row, dict) or not isinstance(row.get("label"), str) or not isinstance(row.get("kind"), str) or not is_hardware_kind(row["kind"]):
            raise InputError(path, f"[[vocab.hardware]] needs a label and a kind (one of {', '.join(sorted(HARDWARE_KINDS))})")
        hardware.append((row["label"], row["kind"], tuple(str(a) for a in row.get("aliases", ()))))
    kinds = vocab.get("hardware_kinds", {})
    bad = sorted(k for k, v in kinds.items() if not isinstance(v, str) or not is_hardware_kind(v))
    if bad:
        raise InputError(path, f"[vocab] hardware_kinds: {bad[0]!r} has an unknown kind; use one of "
                               f"{', '.join(sorted(HARDWARE_KINDS))}")
    return VocabExtra(
        hardware=tuple(hardware), hardware_kinds=tuple(sorted((str(k), str(v)) for k, v in kinds.items())),
        never_methods=tuple(sorted(str(n) for n in vocab.get("never_methods", []))),
        merges=tuple(sorted((str(k), str(v)) for k, v in vocab.get("merges", {}).items())),
    )
