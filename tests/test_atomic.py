"""atomic_write and its variants: the target is the old file or the new one, never half, never a stray temporary."""

import stat

import pytest

from loaders.atomic import atomic_path, atomic_write, atomic_write_all, atomic_write_private


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_write_replaces_the_file_with_public_or_private_mode(tmp_path):
    target = tmp_path / "out.yaml"
    target.write_text("old")
    atomic_write(target, "néw")
    assert target.read_text(encoding="utf-8") == "néw" and stat.S_IMODE(target.stat().st_mode) == 0o644
    atomic_write_private(target, b"secret")
    assert target.read_bytes() == b"secret" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "kb.db"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as scratch:
        scratch.write_text("half")
        raise RuntimeError("the build failed")
    assert target.read_text() == "old" and leftovers(tmp_path) == []


def test_several_files_are_written_all_or_none(tmp_path):
    files = {tmp_path / "a.txt": b"a", tmp_path / "b.yaml": "b"}

    def taken():
        raise FileExistsError("someone took the id")

    with pytest.raises(FileExistsError):
        atomic_write_all(files, ready=taken)
    assert list(tmp_path.iterdir()) == []
    atomic_write_all(files)
    assert [(path.name, path.read_text()) for path in sorted(tmp_path.iterdir())] == [("a.txt", "a"), ("b.yaml", "b")]
