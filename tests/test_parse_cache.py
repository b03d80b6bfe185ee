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
    assert ParseCache(tmp_path).get("a" * 64) == VALUE
    shutil.rmtree(tmp_path / FOLDER)
    cache.put("b" * 64, VALUE)
    assert ParseCache(tmp_path).get("b" * 64) == VALUE
    assert sorted(path.name for path in cache.folder.iterdir()) == ["b" * 64]  # and no scratch file left


def test_where_no_entry_can_be_written_the_cache_is_skipped_without_an_error(tmp_path):
    (tmp_path / FOLDER).write_text("a file where the cache's folder would be")
    cache = ParseCache(tmp_path)
    cache.put("a" * 64, VALUE)
    assert cache.get("a" * 64) is None
