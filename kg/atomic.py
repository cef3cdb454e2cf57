"""Atomic outputs: a file or a whole build is either the old one or the new one, never a mix.

Single files are written to a temporary file in the same directory, flushed to disk and moved
into place with :func:`os.replace`. A build is written into a fresh generation directory and
published by swapping one symbolic link (``build/current``), which is atomic on POSIX; the
stable names ``build/kg.ttl``, ``build/kg.trig`` and ``build/store`` are links through it.

A build folder carries a marker file: kg only ever deletes or replaces things in a folder it
made, so a mistyped ``--build-dir`` cannot destroy anyone's files.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from kg.errors import KgError

GENERATION = re.compile(r"^\.?gen-[0-9a-f]{12}$")
CURRENT = "current"
MARKER = ".kg-build"


def write_bytes(path: str | Path, data: bytes, *, within: str | Path | None = None) -> None:
    """Write ``data`` to ``path`` atomically.

    A symbolic link is followed (its target is replaced, the link kept); an existing file keeps
    its permissions; anything that is not a regular file (a device, a folder) is refused. With
    ``within`` (a folder kg writes several files into), a path that leads outside that folder,
    through a link or ``..``, is refused: the output never escapes the chosen folder.
    """
    asked = path
    path = Path(os.path.realpath(path))
    if within is not None:
        folder = Path(os.path.realpath(within))
        if not path.is_relative_to(folder):
            raise KgError(
                f"leads outside {within} (to {path}); refusing to write there", file=asked
            )
    if os.path.islink(asked) and not path.parent.is_dir():
        raise KgError(
            f"is a link to {path}, whose folder does not exist; refusing to create folders "
            "through a link",
            file=asked,
        )
    mode = 0o666 & ~_umask()
    if path.exists():
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise KgError("is not a regular file; refusing to replace it", file=path)
        mode = stat.S_IMODE(info.st_mode)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise KgError(f"cannot write here ({exc.strerror})", file=path) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):  # name the file asked for, not the temporary one
            raise KgError(f"cannot write ({exc.strerror})", file=path) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_claim(build_dir: Path, protected: tuple[Path, ...] = ()) -> None:
    """Raise unless ``build_dir`` is kg's to write: new, empty, or marked by an earlier build.

    Refuses a folder that is (or is inside, or contains) one of ``protected`` (the ontology
    and data folders), and a non-empty folder without the marker. Changes nothing.
    """
    resolved = build_dir.resolve()
    for folder in protected:
        other = folder.resolve()
        if resolved == other or other in resolved.parents or resolved in other.parents:
            raise KgError(
                f"the build folder must be outside {folder} (and may not contain it)",
                file=build_dir,
            )
    if build_dir.exists() and not build_dir.is_dir():
        raise KgError("the build folder is a file", file=build_dir)
    if build_dir.is_dir() and not (build_dir / MARKER).is_file() and any(build_dir.iterdir()):
        raise KgError(
            "this folder is not empty and was not made by 'kg build'; choose another --build-dir",
            file=build_dir,
        )


def claim(build_dir: Path, protected: tuple[Path, ...] = ()) -> None:
    """:func:`check_claim`, then create the folder and its marker."""
    check_claim(build_dir, protected)
    build_dir.mkdir(parents=True, exist_ok=True)
    marker = build_dir / MARKER
    if not marker.is_file():
        marker.write_text("This folder is written by 'kg build'; its contents are replaced.\n")


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


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Take turns on ``folder`` with other kg processes (an exclusive ``flock`` on the folder
    itself, so no lock file is left in it); waits for the one before to end."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing lets the lock go


@contextlib.contextmanager
def generation(build_dir: Path) -> Iterator[Path]:
    """A fresh, hidden folder to write a build into; removed again if the build fails."""
    gen = build_dir / f".gen-{uuid.uuid4().hex[:12]}"
    gen.mkdir()
    try:
        yield gen
    except BaseException:
        shutil.rmtree(gen, ignore_errors=True)
        raise


def _relink(link: Path, target: str) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}.lnk")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def publish(build_dir: Path, staged: Path, stable_names: tuple[str, ...]) -> Path:
    """Make the staged generation the current build in one atomic step.

    Everything that could fail is checked before the switch, so a failed publish leaves the
    previous build current. The previous generation is kept for readers that still use it.
    """
    for name in stable_names:
        link = build_dir / name
        if (link.exists() or link.is_symlink()) and not link.is_symlink():
            raise KgError("is not a link made by kg build; move it away", file=link)
    current = build_dir / CURRENT
    previous = os.readlink(current) if current.is_symlink() else None
    for child in staged.iterdir():
        if child.is_file():
            with open(child, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(staged)
    final = build_dir / staged.name.lstrip(".")
    os.rename(staged, final)
    _relink(build_dir / CURRENT, final.name)  # the atomic switch
    for name in stable_names:
        link = build_dir / name
        if not (link.is_symlink() and os.readlink(link) == f"{CURRENT}/{name}"):
            _relink(link, f"{CURRENT}/{name}")
    _fsync_dir(build_dir)
    clean(build_dir, keep=previous)
    return final


def clean_staging(build_dir: Path) -> None:
    """Remove what killed builds left behind: hidden staging folders and temporary links."""
    for child in build_dir.iterdir():
        if GENERATION.match(child.name) and child.name.startswith("."):
            shutil.rmtree(child, ignore_errors=True)
        elif child.name.startswith(".") and child.name.endswith((".lnk", ".tmp")):
            with contextlib.suppress(FileNotFoundError):
                child.unlink()


def clean(build_dir: Path, keep: str | None = None) -> None:
    """Remove all generations but the current one, ``keep`` (the previous one) and those a
    reader holds (:func:`hold`: kg serve keeps serving the one it opened), and any staging
    leftovers. Touches only kg's own names."""
    current = build_dir / CURRENT
    live = {os.readlink(current) if current.is_symlink() else None, keep}
    for child in build_dir.iterdir():
        if GENERATION.match(child.name) and child.name not in live and not _held(child):
            shutil.rmtree(child, ignore_errors=True)
    clean_staging(build_dir)


#: The file in a generation that its readers hold a shared lock on.
READERS = ".readers"


def hold(generation: Path) -> object | None:
    """Hold a shared lock on ``generation`` (a build's folder) so that no later build removes
    it while it is read: the lock lasts while the returned handle is open (close it, or let
    the process end). None where the folder is not a generation or cannot be locked (a
    read-only disk: nothing removes it then either)."""
    if not GENERATION.match(generation.name):
        return None
    try:
        handle = open(generation / READERS, "a+b")  # noqa: SIM115 - kept open on purpose
    except OSError:
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _held(generation: Path) -> bool:
    """Whether a reader holds ``generation`` (:func:`hold`)."""
    try:
        with open(generation / READERS, "rb") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return False
