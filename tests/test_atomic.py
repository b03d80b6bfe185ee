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


# copy_file (the rebuild's copy of the previous kb.db): whole blocks past the page cache, the tail
# through it, and the kernel's own copy wherever O_DIRECT is refused.
COPY_SIZES = [0, 1, 4095, 4096, 4097, 3 * 4096 + 17, (8 << 20) + 4096 + 5]


@pytest.mark.parametrize("size", COPY_SIZES)
def test_copy_file_copies_every_byte_of_any_size(tmp_path, size):
    import os

    from loaders.atomic import copy_file

    source, target = tmp_path / "kb.db", tmp_path / "copy.db"
    source.write_bytes(os.urandom(size))
    copy_file(source, target)
    assert target.read_bytes() == source.read_bytes()


def test_copy_file_falls_back_when_a_direct_write_is_refused(tmp_path, monkeypatch):
    """A file system that takes O_DIRECT at open but refuses the write (EINVAL): the copy is made
    whole by the next way, not left half written."""
    import errno
    import os

    from loaders import atomic

    source, target = tmp_path / "kb.db", tmp_path / "copy.db"
    source.write_bytes(os.urandom(5 * 4096 + 3))
    real_write, refused = os.write, []

    def write(handle, data):
        if fcntl_flags(handle) & os.O_DIRECT:
            refused.append(len(data))
            real_write(handle, bytes(data[:4096]))  # a block lands, then the write fails
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(handle, data)

    monkeypatch.setattr(os, "write", write)
    atomic.copy_file(source, target)
    assert refused and target.read_bytes() == source.read_bytes()


def fcntl_flags(handle):
    import fcntl

    return fcntl.fcntl(handle, fcntl.F_GETFL)
