"""The parse cache's entries: written without a folder made beforehand, read back as the same data, and a
project where no entry can be written still builds (the cache is only skipped)."""

import datetime
import shutil

from loaders.cache import FOLDER, ParseCache

VALUE = ({"id": "s", "published": datetime.date(2021, 3, 9), "claims": [{"value": 1.5}]},
         {(): 1, ("id",): 1, ("published",): 2, ("claims",): 3, ("claims", 0): 3, ("claims", 0, "value"): 3})


def test_an_entry_reads_back_as_written_and_the_folder_is_made_again_when_removed(tmp_path):
    cache = ParseCache(tmp_path)
    assert not cache.folder.exists()
    cache.put("a" * 64, VALUE)
    assert cache.get("a" * 64) == VALUE  # this run reads what it wrote
    assert ParseCache(tmp_path).get("a" * 64) is None  # another run only once it is committed
    cache.close()
    assert ParseCache(tmp_path).get("a" * 64) == VALUE
    shutil.rmtree(tmp_path / FOLDER)
    cache.put("b" * 64, VALUE)
    cache.close()
    assert ParseCache(tmp_path).get("b" * 64) == VALUE
    assert ParseCache(tmp_path).keys() == {"b" * 64}


def test_entries_of_the_old_one_file_an_entry_cache_are_removed_by_a_whole_project_run(tmp_path):
    old = tmp_path / FOLDER / "yaml-1"
    old.mkdir(parents=True)
    (old / ("a" * 64)).write_bytes(b"an entry of an earlier kb")
    cache = ParseCache(tmp_path)
    cache.put("b" * 64, VALUE)
    cache.prune()
    assert not old.exists() and ParseCache(tmp_path).keys() == {"b" * 64}


def test_a_damaged_cache_file_reads_as_empty_and_is_replaced_by_the_next_write(tmp_path):
    cache = ParseCache(tmp_path)
    cache.folder.mkdir()
    cache.path.write_bytes(b"not a SQLite file" * 100)
    assert cache.get("a" * 64) is None
    cache.put("a" * 64, VALUE)
    cache.prune()
    assert ParseCache(tmp_path).get("a" * 64) == VALUE


def test_while_another_run_writes_the_cache_this_one_reads_the_committed_entries_and_does_not_wait(tmp_path):
    first = ParseCache(tmp_path)
    first.put("a" * 64, VALUE)
    first.close()
    writer = ParseCache(tmp_path)
    writer.put("b" * 64, VALUE)  # an open write transaction, as during another run's build
    other = ParseCache(tmp_path)
    assert other.get("a" * 64) == VALUE and other.get("b" * 64) is None
    other.put("c" * 64, VALUE)  # cannot write now: skipped, not an error
    other.prune()
    writer.close()
    assert ParseCache(tmp_path).keys() == {"a" * 64, "b" * 64}


def test_where_no_entry_can_be_written_the_cache_is_skipped_without_an_error(tmp_path):
    (tmp_path / FOLDER).write_text("a file where the cache's folder would be")
    cache = ParseCache(tmp_path)
    cache.put("a" * 64, VALUE)
    assert cache.get("a" * 64) is None
