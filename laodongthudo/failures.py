"""What a failed request's Failure says, beyond its exception type."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure


def decompressed_too_large(failure: Failure) -> bool:
    """A compressed answer that grew past DOWNLOAD_MAXSIZE while being decompressed (a gzip bomb).

    Scrapy's HttpCompressionMiddleware refuses it with a plain IgnoreRequest (the robots.txt middleware raises
    the same), caused by its private `_DecompressionMaxSizeExceeded` and naming DOWNLOAD_MAXSIZE."""
    if not failure.check(IgnoreRequest):
        return False
    cause = failure.value.__cause__
    return type(cause).__name__ == "_DecompressionMaxSizeExceeded" or "DOWNLOAD_MAXSIZE" in str(failure.value)
