"""Atomic file writes (a temporary file in the same folder, fsync, then a rename), and the
untouched originals of files a post-render step rewrites."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path


def atomic_write(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically: temporary file in the same folder, fsync, rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def write_generated(path: str | Path, text: str) -> None:
    """Write a generated file as UTF-8, atomically, creating its folder; an unchanged file is left
    alone (so its modification time tells when its content last changed)."""
    path = Path(path)
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)


class Originals:
    """Untouched copies of the files a post-render step rewrites in place, kept in ``folder``.

    Each run starts from the original, so what an earlier run dropped comes back when it is needed
    again. A file that is not what the step last wrote was written afresh (by Quarto): it becomes
    the new original."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def original(self, path: Path) -> bytes:
        """The original of ``path`` (which must exist), refreshed from it when it was written afresh."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        kept = self.folder / path.name
        if _digest(data) != self._recorded(path.name) or not kept.is_file():
            atomic_write(kept, data)
            return data
        return kept.read_bytes()

    def write(self, path: Path, data: bytes) -> None:
        """Replace ``path`` with ``data`` (atomically) and remember it as what this step wrote."""
        atomic_write(path, data)
        atomic_write(self.folder / f"{path.name}.written", _digest(data).encode())

    def _recorded(self, name: str) -> str | None:
        try:
            return (self.folder / f"{name}.written").read_text()
        except FileNotFoundError:
            return None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
