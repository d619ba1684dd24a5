"""Signals of this project (Scrapy's own are in `scrapy.signals`)."""

# Sent by the spider for every page it does not turn into an article (404, emagazine, off-section, failed...),
# with keyword arguments url (canonical), reason (a stats key) and status (HTTP status or None). The storage
# pipeline remembers them, so that scheduled runs do not fetch them again and again.
page_skipped = object()

# Sent by the page capture extension (laodongthudo.extensions.page_capture) for every article and listing response
# received, with keyword argument page (a laodongthudo.db.pages.Page). The storage pipeline writes them with its
# batches, into the pages table.
page_fetched = object()
