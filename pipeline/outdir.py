"""The output folder of a build: what effikg owns in it, and replacing it as a whole.

`effikg build --out DIR` writes into a scratch folder on DIR's own filesystem, fsyncs it,
then swaps it with DIR in one rename (Linux renameat2 RENAME_EXCHANGE). A reader, or a
kill -9 at any moment, finds DIR holding the whole old build or the whole new one; a
scratch folder a kill leaves behind is cleared by the next build into DIR.

DIR/.effikg-manifest.json lists every file the build wrote, with its sha256. Anything
else in DIR is the user's: it is carried into the new build as a hard link before the
swap (moved after it, where no link can be made), never deleted. A file of an earlier
build that the new one no longer writes is stale and goes, unless it was changed since
(then it is the user's) or it is a file of an export the new build leaves out (`effikg
build --export`; then it stays in the build as it was). A non-empty DIR that holds no effikg build is refused unless
`force`; a folder built before manifests existed is recognised by its files.

Where DIR cannot be swapped (it is a mount point, or its parent cannot be written), the
scratch lives inside DIR and its entries are moved in one at a time, from a journal
(DIR/.effikg-commit) that the next build completes if this one is interrupted.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import OutDirError

MANIFEST = ".effikg-manifest.json"
_PENDING = ".effikg-pending"  # in a scratch folder that has not become the build
_JOURNAL = ".effikg-commit"  # in-place mode: the scratch, once its entries are moving in
_OLD_MANIFEST = ".effikg-old-manifest.json"  # in the journal: what the replaced build owned
_OLD_BUILD = ".effikg-old-build"  # where _swap's fallback puts the old build for a moment
_MARKERS = frozenset({MANIFEST, _PENDING, _OLD_MANIFEST})
# The default extraction cache (`effikg build --cache`): not part of any build, so it is
# carried over every swap like the user's files; a folder holding only it is still empty.
CACHE_DIR = ".effikg-cache"
# The build's graph store (pipeline.store): part of the build, swapped in and out with it,
# but not in the manifest (a database's files differ build to build, byte for byte) and
# never carried over as the user's: each build writes its own.
STORE_DIR = ".effikg-store"
# Files of a build made before manifests: recognised by name (and paper pages by content).
_LEGACY_SIGNS = ("effikg.ttl", "explorer/explorer.js")
_LEGACY_NAMES = frozenset({
    "index.html", "effikg.ttl", "effikg.nt", "effikg.jsonld", "effikg.owl", "effikg.graphml",
    "explorer/explorer.css", "explorer/explorer.js", "explorer/vis-network.min.js",
    "neo4j/README.md", "neo4j/effikg.cypher",
})
_LEGACY_PAGE = b'<link rel="stylesheet" href="../explorer/explorer.css">'


@dataclass(frozen=True)
class Plan:
    """Where a build goes and how: the folder, what its current build owns, the mode."""

    out: Path  # resolved: a symlinked output folder keeps its link, the target is replaced
    owned: dict[str, str] = field(default_factory=dict)  # relative path -> sha256
    in_place: bool = False  # the folder cannot be swapped as a whole (mount point, parent read-only)


# --------------------------------------------------------------------------- the plan


def prepare(out_dir: Path, *, force: bool = False) -> Plan:
    """Check that out_dir can take a build (before any work is done); finish or clear
    what an interrupted build left; raise OutDirError with what to do otherwise."""
    out = Path(os.path.abspath(out_dir))
    if out.is_symlink() or out.exists():
        out = out.resolve()
    if out.exists() and not out.is_dir():
        raise OutDirError(f"{out_dir}: is a file, not a folder")
    recover(out)
    owned = read_owned(out, force=force)
    if out.exists():
        _check_removable(out)
    return Plan(out, owned, in_place=out.exists() and not _can_swap(out))


def read_owned(out: Path, *, force: bool = False) -> dict[str, str]:
    """What the build in `out` wrote (path -> sha256; "" when only its name is known)."""
    if not out.is_dir():
        return {}
    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            return {str(k): str(v) for k, v in files.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            if not force:
                raise OutDirError(f"{out}: its {MANIFEST} is damaged; pass --force to build into it anyway "
                                  "(files not named by it are left alone)") from None
            return {}
    if all((out / sign).is_file() for sign in _LEGACY_SIGNS):
        return _legacy_owned(out)
    if any(entry.name not in _MARKERS | {CACHE_DIR} for entry in out.iterdir()) and not force:
        raise OutDirError(f"{out}: holds files but no effikg build; choose an empty or new folder, "
                          "or pass --force to build into it (files effikg does not write are left alone)")
    return {}


def _legacy_owned(out: Path) -> dict[str, str]:
    owned = {name: "" for name in _LEGACY_NAMES if (out / name).is_file()}
    owned.update({
        f"neo4j/{p.name}": "" for p in out.glob("neo4j/*.csv")
        if p.name.startswith(("nodes_", "relationships_"))
    })
    for page in out.glob("papers/*.html"):
        with open(page, "rb") as f:
            if _LEGACY_PAGE in f.read(2048):
                owned[f"papers/{page.name}"] = ""
    return owned


def _can_swap(out: Path) -> bool:
    """Whether out can be replaced by one rename beside it: same filesystem, parent writable."""
    parent = out.parent
    try:
        same_device = os.stat(out).st_dev == os.stat(parent).st_dev
    except OSError:
        return False
    return same_device and not os.path.ismount(out) and os.access(parent, os.W_OK | os.X_OK)


def _check_removable(out: Path) -> None:
    """Refuse a build whose old files could not be cleared: a read-only sub-folder would
    otherwise stop the replacement half-way (or leave the old build behind)."""
    for folder, dirnames, _ in os.walk(out):
        here = Path(folder)
        if (any(here.iterdir()) or here == out) and not os.access(here, os.W_OK | os.X_OK):
            raise OutDirError(
                f"{here}: a read-only folder inside the output folder; effikg replaces the build "
                "as a whole, so make it writable (chmod u+w) or move it; nothing was changed"
            )
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]


# --------------------------------------------------------------------------- scratch and commit


@contextmanager
def scratch_folder(plan: Plan) -> Iterator[Path]:
    """An empty folder on the output's filesystem to export into; removed if the build fails."""
    if plan.in_place:
        path = Path(tempfile.mkdtemp(prefix=".effikg-scratch-", dir=plan.out))
    else:
        plan.out.parent.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f".{plan.out.name}.effikg-", dir=plan.out.parent))
    (path / _PENDING).write_bytes(b"")
    try:
        yield path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def commit(plan: Plan, scratch: Path, version: str, keep: tuple[str, ...] = ()) -> list[str]:
    """Make the finished scratch folder the build in plan.out; return warnings (the new
    build is in place by then, whatever they say).

    `keep` names what this build chose not to write (the files of exports it leaves out:
    "effikg.owl", "neo4j/"; a trailing "/" is a folder): the current build's files there
    stay part of the build, unchanged. An edited one becomes the user's, as a stale one does.
    """
    _keep_earlier(plan, scratch, keep)
    new = write_manifest(scratch, version)
    stale = {p: h for p, h in plan.owned.items() if p not in new and (plan.out / p).is_file()}
    keep = {p for p, h in stale.items() if _changed(plan.out / p, h)}  # edited since: the user's now
    owned = {p: h for p, h in plan.owned.items() if p not in keep}
    if plan.in_place:
        return _commit_in_place(plan, scratch, owned)
    _set_root_mode(scratch, plan.out)
    if plan.out.exists():
        _carry_over(plan.out, scratch, owned, set(new))
    _fsync_tree(scratch, new)
    old_tree = _swap(scratch, plan.out)
    try:  # the new build is in place: what fails now is worth a warning, not a failed build
        (plan.out / _PENDING).unlink()
        _fsync_dir(plan.out.parent)
    except OSError as err:
        return [f"{plan.out}: the build is in place, but {err.strerror or err}"]
    return _clear_old_tree(old_tree, plan.out, owned) if old_tree is not None else []


def _keep_earlier(plan: Plan, scratch: Path, keep: tuple[str, ...]) -> None:
    """Hard-link (or copy) into scratch the current build's unchanged files under `keep`."""
    for rel, sha256 in sorted(plan.owned.items()):
        source = plan.out / rel
        if (not any(rel == k or (k.endswith("/") and rel.startswith(k)) for k in keep)
                or os.path.lexists(scratch / rel) or not source.is_file() or _changed(source, sha256)):
            continue
        _check_no_clash(scratch, rel)
        _make_parents(plan.out, scratch, rel)
        try:
            os.link(source, scratch / rel, follow_symlinks=False)
        except OSError:
            shutil.copy2(source, scratch / rel, follow_symlinks=False)


def _swap(scratch: Path, out: Path) -> Path | None:
    """Put scratch in out's place; return where the old build now is (None if there was none)."""
    if not out.exists():
        os.rename(scratch, out)
        return None
    try:
        _exchange(scratch, out)
        return scratch
    except OSError as err:
        if err.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
            raise
    # No RENAME_EXCHANGE here: two renames, and recover() puts the old build back
    # should a crash fall between them.
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.effikg-", dir=out.parent))
    os.rename(out, aside / _OLD_BUILD)
    os.rename(scratch, out)
    return aside / _OLD_BUILD


def write_manifest(scratch: Path, version: str) -> dict[str, str]:
    """Name every file in scratch, with its sha256, in scratch/.effikg-manifest.json."""
    files = {rel: _sha256(scratch / rel) for rel in _files_in(scratch)}
    document = {"effikg": version, "files": dict(sorted(files.items()))}
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    with open(scratch / MANIFEST, "wb") as f:
        f.write(text.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    return files


def _files_in(root: Path) -> list[str]:
    """Relative paths of every non-folder entry under root, effikg's markers and its graph
    store (STORE_DIR) excepted."""
    found = []
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        links = [d for d in dirnames if (here / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links and not (here == root and d == STORE_DIR)]
        for name in filenames + links:
            rel = (here / name).relative_to(root).as_posix()
            if rel not in _MARKERS:
                found.append(rel)
    return sorted(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _changed(path: Path, sha256: str) -> bool:
    """Whether a file of an earlier build differs from what that build wrote."""
    if not sha256:  # a build from before manifests: its files by name only
        return False
    try:
        return path.is_symlink() or _sha256(path) != sha256
    except OSError:
        return True


def _set_root_mode(scratch: Path, out: Path) -> None:
    """mkdtemp makes 0o700; the new build gets the old folder's mode, or a plain mkdir's."""
    if out.exists():
        os.chmod(scratch, stat.S_IMODE(os.stat(out).st_mode))
    else:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(scratch, 0o777 & ~mask)


# --------------------------------------------------------------------------- the user's files


def _carry_over(old: Path, new: Path, owned: dict[str, str], written: set[str], under: set[str] | None = None) -> None:
    """Hard-link into `new` every entry of `old` that the old build did not write.

    A link costs no copy and keeps the very file (same inode, same times). Where a link
    fails (another owner's file, a filesystem without links) the entry is moved after the
    swap instead. `under` limits the walk to those top-level names (in-place mode).
    """
    for rel in _files_in(old):
        if rel in owned or rel in written or (under is not None and rel.split("/")[0] not in under):
            continue
        _check_no_clash(new, rel)
        target = new / rel
        _make_parents(old, new, rel)
        try:
            os.link(old / rel, target, follow_symlinks=False)
        except OSError:
            pass  # moved over by _restore_foreign once the new build is in place
    for folder, dirnames, filenames in os.walk(old):  # the user's empty folders
        here = Path(folder)
        rel = here.relative_to(old).as_posix()
        if here != old and not dirnames and not filenames and (under is None or rel.split("/")[0] in under):
            _check_no_clash(new, rel)
            _make_parents(old, new, rel + "/.")


def _check_no_clash(new: Path, rel: str) -> None:
    parts = rel.split("/")
    for i in range(1, len(parts)):
        prefix = new.joinpath(*parts[:i])
        if prefix.exists() and not prefix.is_dir():
            raise OutDirError(f"{'/'.join(parts[:i])}: the build writes a file where a folder of yours "
                              f"holds {rel}; move it out of the output folder; nothing was changed")
    if (new / rel).is_dir() and not (new / rel).is_symlink():
        raise OutDirError(f"{rel}: a file of yours stands where the build writes a folder; "
                          "move it out of the output folder; nothing was changed")


def _make_parents(old: Path, new: Path, rel: str) -> None:
    """Create the folders above new/rel with the modes they have in old."""
    parts = rel.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        target = new.joinpath(*parts[:i])
        if not target.exists():
            target.mkdir()
            os.chmod(target, stat.S_IMODE(os.stat(old.joinpath(*parts[:i])).st_mode))


def _restore_foreign(old_tree: Path, out: Path, owned: dict[str, str], written: set[str]) -> None:
    """Move into `out` each of the user's entries of old_tree that `out` lacks (no link could
    be made) or holds in an older version (the user saved it during the build)."""
    for rel in _files_in(old_tree):
        if rel in owned or rel in written:
            continue
        source, target = old_tree / rel, out / rel
        if os.path.lexists(target) and os.path.samestat(os.lstat(source), os.lstat(target)):
            continue
        _make_parents(old_tree, out, rel)
        os.replace(source, target)


def _clear_old_tree(old_tree: Path, out: Path, owned: dict[str, str]) -> list[str]:
    written = set(read_owned(out, force=True))
    try:
        _restore_foreign(old_tree, out, owned, written)
        shutil.rmtree(old_tree)
        if old_tree.parent != out.parent and old_tree.parent.name.startswith(f".{out.name}.effikg-"):
            old_tree.parent.rmdir()  # the holder made by _swap's fallback
    except OSError as err:
        return [f"{old_tree}: the previous build could not be cleared away ({err.strerror or err}); "
                "the next build into this folder will try again"]
    return []


# --------------------------------------------------------------------------- in-place mode


def _commit_in_place(plan: Plan, scratch: Path, owned: dict[str, str]) -> list[str]:
    """Move the scratch's entries into the output folder one by one, journalled."""
    new = set(read_owned(scratch, force=True))
    top = {rel.split("/")[0] for rel in new} | {MANIFEST}
    _carry_over(plan.out, scratch, owned, new, under=top)
    (scratch / _OLD_MANIFEST).write_text(json.dumps({"files": owned}, indent=1) + "\n", encoding="utf-8")
    _fsync_tree(scratch, new)
    (scratch / _PENDING).unlink()
    os.rename(scratch, plan.out / _JOURNAL)
    _fsync_dir(plan.out)
    return finish_journal(plan.out)


def finish_journal(out: Path) -> list[str]:
    """Complete an in-place commit (again, after an interruption: every step is redone
    only if it has not happened)."""
    journal = out / _JOURNAL
    old = json.loads((journal / _OLD_MANIFEST).read_text(encoding="utf-8"))["files"]
    aside = journal / ".old"
    aside.mkdir(exist_ok=True)
    names = sorted(e.name for e in journal.iterdir() if e.name not in (_OLD_MANIFEST, ".old"))
    for name in sorted(names, key=lambda n: n == MANIFEST):  # the manifest last: it says "done"
        if os.path.lexists(out / name) and not os.path.lexists(aside / name):
            os.rename(out / name, aside / name)
        os.rename(journal / name, out / name)
    written = set(read_owned(out, force=True))
    for rel in sorted(set(old) - written, reverse=True):  # stale files of the old build
        if (out / rel).is_file():
            (out / rel).unlink()
            _remove_empty_parents(out, rel)
    warnings = _clear_old_tree(aside, out, old)
    shutil.rmtree(journal, ignore_errors=True)
    return warnings


def _remove_empty_parents(out: Path, rel: str) -> None:
    parent = (out / rel).parent
    while parent != out and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


# --------------------------------------------------------------------------- recovery


def recover(out: Path) -> None:
    """Clear what an interrupted build left beside or inside `out`, the user's files kept."""
    if out.is_dir() and (out / _JOURNAL).is_dir():
        finish_journal(out)
    if out.is_dir():
        for leftover in out.glob(".effikg-scratch-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        (out / _PENDING).unlink(missing_ok=True)
    if not out.parent.is_dir():
        return
    leftovers = [p for p in out.parent.glob(f".{out.name}.effikg-*") if p.is_dir() and not p.is_symlink()]
    for leftover in leftovers:
        old_tree = leftover / _OLD_BUILD if (leftover / _OLD_BUILD).is_dir() else leftover
        if (old_tree / _PENDING).exists():
            shutil.rmtree(leftover, ignore_errors=True)  # never became the build
        elif not os.path.lexists(out):
            os.rename(old_tree, out)  # a crash between _swap's two renames: the old build back
            shutil.rmtree(leftover, ignore_errors=True)
        else:  # the build it replaced: give back the user's files, then clear it
            _clear_old_tree(old_tree, out, read_owned(old_tree, force=True))


# --------------------------------------------------------------------------- system calls


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders atomically (renameat2 RENAME_EXCHANGE, Linux 3.15+)."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available, cannot swap folders", str(b))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(b))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(root: Path, files: dict[str, str]) -> None:
    """fsync the build's files and every folder under root, so that the rename publishes
    data, never empty files (the user's linked files are on disk already)."""
    for rel in files:
        path = root / rel
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for folder, _, _ in os.walk(root, topdown=False):
        _fsync_dir(Path(folder))
