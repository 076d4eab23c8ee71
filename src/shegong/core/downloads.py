"""The ``Content-Disposition`` of a download: a Chinese file name for browsers that read RFC 5987's
``filename*`` (all current ones), and an ASCII name for those that do not (RFC 6266, §4.3)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import quote

__all__ = ["ascii_name", "content_disposition"]

_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(filename: str, *, default: str = "download") -> str:
    """The ASCII letters, digits, dots and dashes of ``filename``, runs of anything else made one
    dash: ``审计日志-20261206-2200.xlsx`` → ``20261206-2200.xlsx``; ``default`` when no stem is
    left (``志愿服务统计.xlsx`` → ``download.xlsx``)."""
    path = PurePosixPath(filename)
    suffix = _NOT_ASCII_SAFE.sub("", path.suffix)
    stem = _NOT_ASCII_SAFE.sub("-", filename[: len(filename) - len(path.suffix)]).strip("-.")
    return f"{stem or default}{suffix}"


def content_disposition(filename: str, *, fallback: str = "", inline: bool = False) -> str:
    """``attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded UTF-8>``.

    ``fallback`` is the ASCII name for old clients (``ascii_name(filename)`` if not given);
    ``inline`` asks the browser to show the file (a PDF) rather than save it.
    """
    kind = "inline" if inline else "attachment"
    plain = ascii_name(fallback or filename)
    if plain == filename:
        return f'{kind}; filename="{plain}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
