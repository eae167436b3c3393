"""Which link and image targets lesson pages may use: http, https, mailto and relative paths.

The check is deliberately stricter than browsers: it decodes entities and percent escapes and
drops whitespace and control characters before looking for a scheme, so disguises such as
`java&#x09;script:`, `%6Aavascript:` or ` JaVaScRiPt:` are refused even where a browser would
have treated them as harmless relative paths.
"""

from __future__ import annotations

import html
import re
from typing import Literal
from urllib.parse import unquote

LinkKind = Literal["web", "mailto", "fragment", "relative"]

_INVISIBLE = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_WEB_SCHEMES = {"http", "https"}


def _decoded(url: str) -> str:
    """Return `url` with entities and percent escapes undone (repeatedly) and blanks removed."""
    probe = url
    for _ in range(4):
        unwrapped = unquote(html.unescape(probe))
        if unwrapped == probe:
            break
        probe = unwrapped
    return _INVISIBLE.sub("", probe).lower()


def link_kind(url: str) -> LinkKind | None:
    """Return what kind of target `url` is, or None when it must not become a link or image."""
    probe = _decoded(url)
    scheme = _SCHEME.match(probe)
    if scheme is not None:
        name = scheme.group(1)
        if name in _WEB_SCHEMES:
            return "web"
        return "mailto" if name == "mailto" else None
    if ":" in re.split(r"[/?#\\]", probe, maxsplit=1)[0]:
        # Something scheme-like that is not plain ASCII letters: refuse rather than guess.
        return None
    if probe[:2] in ("//", "\\\\", "/\\", "\\/"):
        return "web"  # protocol-relative: another site over the page's own scheme
    if probe.startswith("#"):
        return "fragment"
    return "relative"


def is_safe_url(url: str) -> bool:
    """Return True when `url` may be used as a link or image target in a lesson."""
    return link_kind(url) is not None
