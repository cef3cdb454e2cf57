"""Atomic outputs: a file or a whole build is either the old one or the new one, never a mix.

Single files are written to a temporary file in the same directory, flushed to disk and moved
into place with :func:`os.replace`. A build is written into a fresh generation directory and
published by swapping one symbolic link (``build/current``), which is atomic on POSIX; the
stable names ``build/kg.ttl``, ``build/kg.trig`` and ``build/store`` are links through it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgError

GENERATION_PREFIX = "gen-"
CURRENT = "current"


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def locked(build_dir: Path) -> Iterator[None]:
    """Hold ``build_dir/.lock`` for the duration of a build; a second build fails at once."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KgError(
                "another kg build is writing here; try again when it ends", file=build_dir
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_generation(build_dir: Path) -> Path:
    """A fresh, hidden directory in ``build_dir`` to write a build into."""
    build_dir.mkdir(parents=True, exist_ok=True)
    gen = build_dir / f".{GENERATION_PREFIX}{uuid.uuid4().hex[:12]}"
    gen.mkdir()
    return gen


def _relink(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.lnk")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish(build_dir: Path, staged: Path, stable_names: tuple[str, ...]) -> Path:
    """Make the staged generation the current build in one atomic step; drop older ones."""
    final = build_dir / staged.name.lstrip(".")
    os.rename(staged, final)
    _relink(build_dir / CURRENT, final.name)  # the atomic switch
    for name in stable_names:
        link = build_dir / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
            if link.is_dir() and not link.is_symlink():
                shutil.rmtree(link)
            _relink(link, f"{CURRENT}/{name}")
    clean(build_dir)
    return final


def clean(build_dir: Path) -> None:
    """Remove generations that are not current (left by finished or killed builds)."""
    current = build_dir / CURRENT
    keep = os.readlink(current) if current.is_symlink() else None
    for child in build_dir.iterdir():
        name = child.name.lstrip(".")
        if name.startswith(GENERATION_PREFIX) and child.name != keep and child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.endswith((".lnk", ".tmp")) and child.name.startswith("."):
            with contextlib.suppress(FileNotFoundError):
                child.unlink()
