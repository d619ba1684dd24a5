"""Signals of this project (Scrapy's own are in `scrapy.signals`)."""

# Sent by the spider for every page it does not turn into an article (404, emagazine, off-section, failed...),
# with keyword arguments url (canonical), reason (a stats key) and status (HTTP status or None). The storage
# pipeline remembers them, so that scheduled runs do not fetch them again and again.
page_skipped = object()
