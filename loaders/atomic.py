"""Writes that land whole or not at all: each file is written to a temporary file in its own folder,
synced to disk, then renamed over its target (os.replace), so a reader sees the old file or the new
one, never half of one. Temporary names end in .tmp (ignored by git); a failed write removes them."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

PUBLIC = 0o644
PRIVATE = 0o600  # owner only, from the first byte: mkstemp creates files 0600


def _sync_folder(folder: Path):
    """Make a rename in folder durable; a no-op where folders cannot be opened (Windows)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _scratch(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    return Path(name)


def _sync(path: Path, mode: int):
    os.chmod(path, mode)
    with open(path, "rb+") as stream:
        os.fsync(stream.fileno())


@contextmanager
def atomic_path(target, mode: int = PUBLIC):
    """Yield a temporary path beside target for the caller to fill (a SQLite database, say); when the
    block ends without error it replaces target, with the given mode; otherwise it is removed."""
    target = Path(target)
    scratch = _scratch(target)
    try:
        yield scratch
        _sync(scratch, mode)
        os.replace(scratch, target)
        _sync_folder(target.parent)
    finally:
        scratch.unlink(missing_ok=True)


FICLONE = 0x40049409  # linux/fs.h: share the source's blocks (copy on write: Btrfs, XFS)
# O_DIRECT writes go in blocks of a multiple of the device's logical block size, from an aligned buffer
# (mmap's are page-aligned); 4096 is a multiple of every usual size. The chunk is what one write carries.
DIRECT_BLOCK = 4096
DIRECT_CHUNK = 8 << 20


def copy_file(source, target):
    """Copy source's bytes to target (a new file): a reflink where the file system shares blocks (no
    bytes copied); else written past the page cache (O_DIRECT) where the system has it; else
    copy_file_range in the kernel; else shutil.

    Why past the page cache: the copy is of the previous kb.db (375 MB at 100,000 claims), of which a
    rebuild then reads a few pages. Measured on this machine's ext4 (no reflinks), just after a full
    build: copy_file_range 1.25-1.99 s, nearly all of it filling 375 MB of fresh page cache (a copy
    into pages just freed took 0.14-0.23 s); the same copy written with O_DIRECT 0.44-0.52 s, synced."""
    with open(source, "rb", buffering=0) as reader, open(target, "wb") as writer:
        try:
            import fcntl  # POSIX only

            fcntl.ioctl(writer.fileno(), FICLONE, reader.fileno())
            return
        except (ImportError, OSError):
            pass
        if _copy_direct(reader, target):
            return
        try:
            remaining = os.fstat(reader.fileno()).st_size
            while remaining > 0:
                copied = os.copy_file_range(reader.fileno(), writer.fileno(), remaining)
                if copied == 0:
                    break
                remaining -= copied
            return
        except (OSError, AttributeError):  # AttributeError: no os.copy_file_range (it is Linux only)
            writer.seek(0)
            writer.truncate()
    shutil.copyfile(source, target)


def _copy_direct(reader, target) -> bool:
    """Write reader's bytes to target (an empty file) with O_DIRECT; False, with target emptied, where
    the system or the file system refuses it (no O_DIRECT, tmpfs: EINVAL)."""
    if not hasattr(os, "O_DIRECT"):
        return False
    import fcntl
    import mmap

    buffer = mmap.mmap(-1, DIRECT_CHUNK)
    try:
        handle = os.open(target, os.O_WRONLY | os.O_DIRECT)
    except OSError:
        buffer.close()
        return False
    view = memoryview(buffer)
    try:
        reader.seek(0)
        while read := reader.readinto(buffer):
            whole = read - read % DIRECT_BLOCK
            _write_all(handle, view[:whole])
            if whole < read:  # a partial block (the file's end): written through the page cache
                fcntl.fcntl(handle, fcntl.F_SETFL, fcntl.fcntl(handle, fcntl.F_GETFL) & ~os.O_DIRECT)
                _write_all(handle, view[whole:read])
        return True
    except OSError:
        os.ftruncate(handle, 0)
        reader.seek(0)  # the next way copies from the reader's position
        return False
    finally:
        os.close(handle)
        view.release()
        buffer.close()


def _write_all(handle, view):
    while view:
        view = view[os.write(handle, view):]


def atomic_write(target, content, mode: int = PUBLIC):
    """Replace target with content (text is written as UTF-8), atomically."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_path(target, mode) as scratch:
        scratch.write_bytes(data)


def atomic_write_private(target, content):
    """Replace target with content, readable by its owner only (mode 0600) from the first byte."""
    atomic_write(target, content, PRIVATE)


def atomic_write_all(files: dict, ready=None, mode: int = PUBLIC):
    """Write several new files, all or none: each to a temporary file first; then ready() (a last
    check, which may raise) runs; then all are renamed into place. If a rename fails, the files
    already placed are removed again, so the targets must be new files."""
    scratches = {}
    try:
        for target, content in files.items():
            target = Path(target)
            scratches[target] = _scratch(target)
            scratches[target].write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
            _sync(scratches[target], mode)
        if ready is not None:
            ready()
        _place_all(scratches)
    finally:
        for scratch in scratches.values():
            scratch.unlink(missing_ok=True)


def _place_all(scratches: dict):
    placed = []
    try:
        for target, scratch in scratches.items():
            os.replace(scratch, target)
            placed.append(target)
    except OSError:
        for target in placed:
            target.unlink(missing_ok=True)
        raise
    for folder in {target.parent for target in placed}:
        _sync_folder(folder)


def atomic_remove_all(paths):
    """Remove several files, all or none: each is first renamed aside (to a .tmp name in its own
    folder); if a rename fails, those already moved are renamed back and the error is raised, so a
    failure leaves every file where it was. Only once all are aside are they deleted."""
    moved = []
    try:
        for path in map(Path, paths):
            aside = _scratch(path)
            try:
                os.replace(path, aside)
            except OSError:
                aside.unlink(missing_ok=True)
                raise
            moved.append((path, aside))
    except OSError:
        for path, aside in reversed(moved):
            os.replace(aside, path)
        for path in {path.parent for path, _ in moved}:
            _sync_folder(path)
        raise
    for _, aside in moved:
        aside.unlink(missing_ok=True)
    for folder in {path.parent for path, _ in moved}:
        _sync_folder(folder)
