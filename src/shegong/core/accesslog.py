"""The web server's access log without secrets: ``shegong serve`` runs gunicorn with this
logger class. An Open311 client may put its ``api_key`` in the query string (the spec names it
a POST parameter, and we read it from the body first); whatever a client sent, the key never
reaches the log: the request line, path and query are written with its value replaced."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Parameters whose values are credentials wherever they appear in a URL.
SECRET_PARAMETERS = ("api_key", "token", "key", "password", "access_token")
_SECRET = re.compile(r"(?i)(^|[?&;])(" + "|".join(SECRET_PARAMETERS) + r")=[^&;\s]*")
REDACTED = "[已隐去]"


def redact(text: str | None) -> str | None:
    """``text`` (a query string or a request line) with every secret parameter's value hidden."""
    if not text:
        return text
    return _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}={REDACTED}", text)


class RedactingLogger(Logger):
    """gunicorn's logger, with secrets taken out of the atoms an access-log line is made of."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "q", "{query_string}e", "{raw_uri}e"):
            if name in atoms:
                atoms[name] = redact(atoms[name])
        return atoms
