"""Reading fields from raw SIP text, where pjsua2 hands us the whole message rather than its parts.

pjsip has parsed every message before we see it; these helpers only pick out the few fields
pjsua2 does not expose (the Request-URI, an arbitrary header) and split off the body.
"""

from __future__ import annotations

import re

__all__ = ("header_value", "request_user", "split_message", "uri_user")

_URI_USER = re.compile(r"sips?:([^@;>\s]+)@")


def uri_user(uri: str) -> str:
    """The user part of a SIP URI inside a header value such as '"Ann" <sip:1001@host>;tag=1'."""
    match = _URI_USER.search(uri)
    return match.group(1) if match else ""


def request_user(whole_message: str) -> str:
    """The user part of the Request-URI: the dialled number on a trunk call."""
    request_line = whole_message.split("\r\n", 1)[0].split("\n", 1)[0]
    parts = request_line.split(" ")
    return uri_user(parts[1]) if len(parts) == 3 else ""


def split_message(text: str) -> tuple[str, str]:
    """(start line and headers, body), whether lines end in CRLF or a bare LF."""
    head, sep, body = text.partition("\r\n\r\n")
    if not sep:
        head, _, body = text.partition("\n\n")
    return head, body


def header_value(head: str, *names: str) -> str:
    """The first value of a header, by any of its names (e.g. "content-type", "c"), or ''."""
    wanted = {name.lower() for name in names}
    for line in head.splitlines()[1:]:
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() in wanted:
            return value.strip()
    return ""
