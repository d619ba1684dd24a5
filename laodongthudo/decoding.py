"""Response bytes to page text: Scrapy's decoding, except where a wrong HTTP charset would garble Vietnamese.

Bytes that are not valid in the page's encoding are decoded as U+FFFD (as browsers do) and stored so; each is
counted under `decode/replacement_chars` (and the page under `decode/pages_with_replacements`) and the page is
logged, so that a garbled source never passes for a clean one.
"""

from __future__ import annotations

import codecs
import logging
from typing import Any

from scrapy.http import TextResponse

logger = logging.getLogger(__name__)

REPLACEMENT = "\ufffd"
# Single-byte charsets that cannot spell Vietnamese: a header naming one over a body that is valid UTF-8 is a
# server misconfiguration, and believing it stores mojibake ("TuyÃªn dÆ°Æ¡ng").
_CANNOT_BE_VIETNAMESE = frozenset({"iso-8859-1", "latin-1", "latin1", "cp1252", "windows-1252", "ascii", "us-ascii"})


def _written_replacements(body: bytes, encoding: str) -> int:
    """U+FFFD characters the page itself contains (encoded), as opposed to ones decoding put in."""
    try:
        return body.count(REPLACEMENT.encode(codecs.lookup(encoding).name))
    except (LookupError, UnicodeError):
        return 0


def _decode(response: TextResponse) -> tuple[str, str]:
    encoding = (response.encoding or "").lower().replace("_", "-")
    if encoding in _CANNOT_BE_VIETNAMESE and not response.body.isascii():
        try:
            return response.body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass  # really single-byte: keep Scrapy's reading
    return response.text, response.encoding or "utf-8"


def page_text(response: TextResponse, stats: Any = None) -> str:
    """The page's text; replaced bytes counted in `stats` (a Scrapy StatsCollector) and logged."""
    text, encoding = _decode(response)
    replaced = text.count(REPLACEMENT) - _written_replacements(response.body, encoding) if REPLACEMENT in text else 0
    if replaced > 0:
        if stats is not None:
            stats.inc_value("decode/replacement_chars", replaced)
            stats.inc_value("decode/pages_with_replacements")
        logger.warning("%d byte sequence(s) invalid in %s at %s: stored as U+FFFD", replaced, encoding, response.url)
    return text
