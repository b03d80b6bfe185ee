"""No source comes from a page kept for independent evaluation (../shared/reserved-pages.txt).

The list lives beside the repository in the team's shared folder; a user's clone has no such
folder, so the test skips there.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from .conftest import REPO

RESERVED = REPO.parent / "shared" / "reserved-pages.txt"


def normalised(url: str):
    """(host without www., path without a trailing slash) so that http/https and www variants match."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return host, parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")


def reserved():
    if not RESERVED.is_file():
        pytest.skip("../shared/reserved-pages.txt is absent (a user's clone)")
    lines = [line.strip() for line in RESERVED.read_text(encoding="utf-8").splitlines()]
    entries = [line for line in lines if line and not line.startswith("#")]
    pages = {normalised(line) for line in entries if "://" in line}
    sites = {line.lower().removeprefix("www.") for line in entries if "://" not in line}
    return pages, sites


def source_urls():
    for path in sorted((REPO / "sources").glob("*.yaml")):
        url = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("url")
        if url:
            yield path.name, url


def test_no_source_is_a_reserved_page_or_from_a_reserved_site():
    pages, sites = reserved()
    offending = []
    for name, url in source_urls():
        host, path = normalised(url)
        if (host, path) in pages or any(host == site or host.endswith("." + site) for site in sites):
            offending.append(f"{name}: {url}")
    assert offending == []


def test_the_check_recognises_a_reserved_address():
    pages, _ = reserved()
    host, path = sorted(page for page in pages if "?" not in page[1])[0]
    assert normalised(f"https://www.{host}{path}/") in pages
