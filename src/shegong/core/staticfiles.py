"""Static files as a real site serves them: content-hashed names, gzip and brotli, long caches.

``collectstatic`` (run by ``shegong serve`` before it starts, see ``collect``) writes every file
into ``STATIC_ROOT`` under a content-hashed name (``shell.3f2ac19b07e1.css``) with a ``.gz`` and
a ``.br`` beside it; pages link those names, and whitenoise serves them with an immutable
ten-year cache, choosing the compressed copy the browser accepts.

Without a collection (the test suite, a fresh checkout, ``runserver``, a deployment that forgot
``collectstatic``), or with one made from other sources (a file edited or added since), pages
link the plain names, which whitenoise serves from the apps' own folders (its finders) with a
one-minute cache. So a stale collection never sends yesterday's script with today's page: the
collection records a fingerprint of the sources it was made from, and is used only while the
sources still match it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from fnmatch import fnmatch
from typing import Any

from django.contrib.staticfiles import finders
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

log = logging.getLogger(__name__)

# Written beside staticfiles.json once a collection is complete (compressed copies included).
SOURCES_NAME = "staticfiles.sources"
# Part of the fingerprint: bump it when the way files are collected changes (what is hashed,
# rewritten or compressed), so that a collection made the old way counts as stale.
COLLECTION_FORMAT = "1"
# collectstatic's default ignore patterns: the fingerprint covers exactly what it copies.
IGNORE_PATTERNS = ["CVS", ".*", "*~"]
# Source maps are fetched only by an open developer console: not worth compressing (brotli at
# its best quality is the slow part of a collection, and the maps are as big as the scripts).
SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Stylesheets whose url() references are left as written. Leaflet finds its marker images by
# reading the url() of .leaflet-default-icon-path and cutting "marker-icon.png" off its end: a
# hashed name ("marker-icon.2b3e1faf89f9.png") defeats that and every default marker would be
# missing. The plain image names stay served (by whitenoise's finders).
UNREWRITTEN = ("vendor/leaflet-*/leaflet.css",)


def sources_fingerprint() -> str:
    """A digest of every file collectstatic would copy: its name, size and modification time."""
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            prefix = getattr(storage, "prefix", None) or ""
            stat = os.stat(storage.path(path))
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    digest = hashlib.sha256(f"shegong static {COLLECTION_FORMAT}\n".encode())
    for entry in sorted(entries):
        digest.update(entry.encode())
    return digest.hexdigest()


def is_current(root: str | os.PathLike[str]) -> bool:
    """Whether ``root`` holds a complete collection made from the sources as they are now."""
    try:
        with open(os.path.join(root, SOURCES_NAME)) as recorded:
            fingerprint = recorded.read().strip()
    except FileNotFoundError:
        return False
    manifest = os.path.join(root, CompressedManifestStaticFilesStorage.manifest_name)
    return os.path.exists(manifest) and fingerprint == sources_fingerprint()


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed and compressed storage, used only while the collection is current
    (see the module's docstring); the plain names otherwise."""

    manifest_in_use = False

    def load_manifest(self) -> tuple[dict[str, str], str]:
        hashed_files, manifest_hash = super().load_manifest()
        self.manifest_in_use = bool(hashed_files) and self.is_current()
        if hashed_files and not self.manifest_in_use:
            log.warning(
                "静态文件的收集已过期，暂用未加哈希的文件名；请运行 shegong collectstatic / "
                "the collected static files are stale: plain names until `shegong collectstatic`"
            )
            return {}, ""
        return hashed_files, manifest_hash

    def is_current(self) -> bool:
        return is_current(self.location)

    def stored_name(self, name: str) -> str:
        if not self.manifest_in_use:
            return name
        return super().stored_name(name)

    def post_process(self, *args: Any, **kwargs: Any):
        # An interrupted collection is not a collection: the record goes first, comes back last.
        dry_run = kwargs.get("dry_run")
        if not dry_run and self.exists(SOURCES_NAME):
            self.delete(SOURCES_NAME)
        fingerprint = sources_fingerprint()
        yield from super().post_process(*args, **kwargs)
        if not dry_run:
            with open(self.path(SOURCES_NAME), "w") as record:
                record.write(fingerprint)
            self.manifest_in_use = True

    def url_converter(self, name: str, hashed_files: Any, template: str | None = None):
        if any(fnmatch(name, pattern) for pattern in UNREWRITTEN):
            return lambda matchobj: matchobj["matched"]
        return super().url_converter(name, hashed_files, template)

    def create_compressor(self, **kwargs: Any) -> Compressor:
        if kwargs.get("extensions") is None:
            kwargs["extensions"] = SKIP_COMPRESS_EXTENSIONS
        return super().create_compressor(**kwargs)


def collect(*, verbosity: int = 0) -> bool:
    """Run collectstatic unless the collection is current; True if it ran. ``shegong serve``
    calls it before starting the web server, so a restart after an upgrade serves the new
    files under new names, and a restart without changes costs nothing."""
    from django.conf import settings
    from django.core.management import call_command

    if is_current(settings.STATIC_ROOT):
        return False
    call_command("collectstatic", interactive=False, verbosity=verbosity)
    return True
