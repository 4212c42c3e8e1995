"""URL path converter for dataset ids (citizens, measurements): opaque text in one path segment.

Dataset ids are opaque text (dataset format v1), so an imported id may hold "/", "?" or "#".
A server decodes "%2F" before routing, so quoting alone cannot keep such an id in one segment.
Ids made only of URL-safe characters (the tool's own hex pseudonyms) appear as they are;
any other id appears as "~" and its UTF-8 in unpadded base64url.
"""

from __future__ import annotations

import base64
import binascii
import re

_PLAIN = re.compile(r"[A-Za-z0-9_.-]+")


class OpaqueId:
    """``<id:citizen_id>``: the id as is when URL-safe, else ``~`` + base64url."""

    regex = r"[A-Za-z0-9_.~-]+"

    def to_python(self, value: str) -> str:
        if not value.startswith("~"):
            return value
        try:
            return base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(value) from exc  # no match: 404

    def to_url(self, value: str) -> str:
        if _PLAIN.fullmatch(value):
            return value
        return "~" + base64.urlsafe_b64encode(value.encode("utf-8")).decode("ascii").rstrip("=")
