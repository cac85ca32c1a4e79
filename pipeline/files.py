"""Writing output files: atomically, and readable by others.

Every file effikg writes goes through `write_atomic`, so a reader (or a crash) never sees a
half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def new_file_mode() -> int:
    """The mode open() gives a new file (0o666 less the umask).

    Files written through mkstemp start as 0o600; without this, every output would be
    unreadable to other users (a web server, a colleague, a container).
    """
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write data to path through a temp file in the same folder, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, new_file_mode())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())  # else a crash after the rename can leave an empty file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_atomic_streams(writers: dict[Path, Callable[[BinaryIO], None]]) -> list[Path]:
    """Write each file by streaming into it (writer(file)), each through a temp file in its
    folder; the files are renamed into place only once every one is written, so that a
    failure leaves none of them new. Returns the paths, in the order given."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, writer in writers.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps.append((tmp, path))
            os.fchmod(fd, new_file_mode())
            with os.fdopen(fd, "wb", buffering=1 << 20) as f:
                writer(f)
                f.flush()
                os.fsync(f.fileno())  # else a crash after the rename can leave an empty file
        for tmp, path in temps:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
        raise
    return list(writers)
