"""Response bytes to page text: Scrapy's decoding, except where a wrong HTTP charset would garble Vietnamese."""

from __future__ import annotations

from scrapy.http import TextResponse

# Single-byte charsets that cannot spell Vietnamese: a header naming one over a body that is valid UTF-8 is a
# server misconfiguration, and believing it stores mojibake ("TuyÃªn dÆ°Æ¡ng").
_CANNOT_BE_VIETNAMESE = frozenset({"iso-8859-1", "latin-1", "latin1", "cp1252", "windows-1252", "ascii", "us-ascii"})


def page_text(response: TextResponse) -> str:
    encoding = (response.encoding or "").lower().replace("_", "-")
    if encoding in _CANNOT_BE_VIETNAMESE and not response.body.isascii():
        try:
            return response.body.decode("utf-8")
        except UnicodeDecodeError:
            pass  # really single-byte: keep Scrapy's reading
    return response.text
