"""kg.atomic: whole files or nothing, and only ever in folders kg owns."""

from __future__ import annotations

import os

import pytest

from kg import atomic
from kg.errors import KgError


def test_write_bytes_replaces_whole_file_and_leaves_no_temporary(tmp_path) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old")
    atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


def test_write_bytes_refuses_what_is_not_a_regular_file(tmp_path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(KgError, match="not a regular file"):
        atomic.write_bytes(tmp_path / "folder", b"x")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(KgError, match="not a regular file"):
        atomic.write_bytes(tmp_path / "fifo", b"x")


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old")

    def broken_replace(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KgError) as failed:
        atomic.write_bytes(target, b"new")
    # The message names the file asked for, never the temporary one.
    assert str(failed.value) == f"{target}: cannot write (No space left on device)"
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"]


# (case, what is in the folder, whether kg may build there)
CLAIMS = [
    ("missing", None, True),
    ("empty", [], True),
    ("marked", [atomic.MARKER, "current"], True),
    ("someone-elses", ["holiday.jpg"], False),
]


@pytest.mark.parametrize(("case", "content", "allowed"), CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_only_folders_kg_owns(tmp_path, case, content, allowed) -> None:
    folder = tmp_path / "build"
    if content is not None:
        folder.mkdir()
        for name in content:
            (folder / name).write_text("x")
    if allowed:
        atomic.claim(folder)
        assert (folder / atomic.MARKER).is_file()
    else:
        with pytest.raises(KgError, match="not made by 'kg build'"):
            atomic.claim(folder)
        assert not (folder / atomic.MARKER).exists()


def test_clean_touches_only_kg_generations(tmp_path) -> None:
    for name in ("gen-0123456789ab", "gen-bbbbbbbbbbbb", ".gen-cccccccccccc", "gen-photos"):
        (tmp_path / name).mkdir()
    os.symlink("gen-0123456789ab", tmp_path / "current")
    atomic.clean(tmp_path, keep="gen-bbbbbbbbbbbb")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["current", "gen-0123456789ab", "gen-bbbbbbbbbbbb", "gen-photos"]


def test_write_bytes_within_a_folder_never_leaves_it(tmp_path) -> None:
    """A link or ``..`` that leads outside the folder kg writes into is refused, and what it
    points at stays as it was; a link to another file inside the folder is followed."""
    folder = tmp_path / "docs"
    folder.mkdir()
    outside = tmp_path / "precious.txt"
    outside.write_bytes(b"keep me")
    (folder / "queries.md").symlink_to(outside)
    with pytest.raises(KgError, match="leads outside"):
        atomic.write_bytes(folder / "queries.md", b"new", within=folder)
    with pytest.raises(KgError, match="leads outside"):
        atomic.write_bytes(folder / ".." / "precious.txt", b"new", within=folder)
    assert outside.read_bytes() == b"keep me"
    (folder / "real.md").write_bytes(b"old")
    (folder / "alias.md").symlink_to(folder / "real.md")
    atomic.write_bytes(folder / "alias.md", b"new", within=folder)
    assert (folder / "real.md").read_bytes() == b"new" and (folder / "alias.md").is_symlink()
