"""Stored pages to and from WARC (ISO 28500) files, with warcio.

Export writes one gzipped `response` record per stored page version: the canonical URL as WARC-Target-URI
(the site's own, whatever root was crawled), the fetch time as WARC-Date (microseconds, WARC/1.1), the HTTP
status line and headers as received (minus the wire encoding: the body is stored decoded, so Content-Length is
its own) and the body. Record ids derive from URL and sha256, so the same pages always give the same bytes.
Import reads `response` records of the site from any WARC (ours, or another crawler's: chunked and gzipped
payloads are decoded) into the pages table, once per version like a crawl's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from laodongthudo import urls
from laodongthudo.db import HANOI, Store
from laodongthudo.db.pages import Page, PageReader
from laodongthudo.extensions.page_capture import WIRE_HEADERS

WARC_VERSION = "1.1"
RECORD_NAMESPACE = uuid.UUID("6f1c8f3e-2d0a-4f51-9a57-2b2f7c1d0e11")  # ours: record ids of our exports
EXPORT_CHUNK = 200  # pages read from the database at a time


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def write_page(writer: WARCWriter, page: Page) -> None:
    headers = [(name, value) for name, value in page.headers if name.lower() not in WIRE_HEADERS]
    headers.append(("Content-Length", str(len(page.body))))
    http = StatusAndHeaders(status_line(page.status), headers, protocol="HTTP/1.1")
    record_id = uuid.uuid5(RECORD_NAMESPACE, f"{page.url}#{page.sha256}")
    record = writer.create_warc_record(
        page.url,
        "response",
        payload=BytesIO(page.body),
        length=len(page.body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": warc_date(page.fetched_at), "WARC-Record-ID": f"<urn:uuid:{record_id}>"},
    )
    writer.write_record(record)


def export_warc(store: Store, path: Path, *, since: date | None = None, until: date | None = None) -> int:
    """Write the stored pages (fetched on those Hanoi days, when given) to a .warc.gz; how many records."""
    reader = PageReader(store.engine)
    ids = [
        s.id
        for s in reader.all()
        if (since is None or s.fetched_at.astimezone(HANOI).date() >= since)
        and (until is None or s.fetched_at.astimezone(HANOI).date() <= until)
    ]
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        writer = WARCWriter(file, gzip=True, warc_version=WARC_VERSION)
        for start in range(0, len(ids), EXPORT_CHUNK):
            for page in reader.load(ids[start : start + EXPORT_CHUNK]):
                write_page(writer, page)
    partial.replace(path)  # a half-written file never has the name asked for
    return len(ids)


def read_warc(stream: BinaryIO, base_url: str = urls.CANONICAL_ROOT) -> Iterator[Page]:
    """The site's response records as pages (other sites' records and other record types are passed over)."""
    for record in ArchiveIterator(stream):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if not urls.same_site(uri, base_url):
            continue
        status = int(record.http_headers.get_statuscode() or 0)
        headers = [(k, v) for k, v in record.http_headers.headers if k.lower() not in WIRE_HEADERS]
        body = record.content_stream().read()  # chunked and Content-Encoding decoded
        stamp = record.rec_headers.get_header("WARC-Date") or ""
        fetched_at = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else datetime.now(UTC)
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=UTC)
        yield Page(fetched_url=uri, status=status, headers=headers, body=body, fetched_at=fetched_at)


def import_warc(store: Store, path: Path, *, batch_size: int = 50, base_url: str | None = None) -> set[str]:
    """Store a WARC's pages of the site; the canonical URLs of the article pages among them."""
    articles: set[str] = set()
    batch: list[Page] = []
    with path.open("rb") as stream:
        for page in read_warc(stream, base_url or urls.CANONICAL_ROOT):
            if page.kind not in ("article", "listing"):
                continue
            batch.append(page)
            if page.kind == "article":
                articles.add(page.url)
            if len(batch) >= batch_size:
                store.write_batch([], (), batch)
                batch = []
    if batch:
        store.write_batch([], (), batch)
    return articles
