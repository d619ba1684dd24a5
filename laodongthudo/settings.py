"""Scrapy settings. Politeness defaults are for the live site; tests and benchmarks override them."""

import os

BOT_NAME = "laodongthudo"
SPIDER_MODULES = ["laodongthudo.spiders"]
NEWSPIDER_MODULE = "laodongthudo.spiders"

# The site root: the live site, or a replica (`python -m replica`).
LDTD_BASE_URL = os.environ.get("LDTD_BASE_URL", "https://laodongthudo.vn")
# Where rows go: SQLite by default, PostgreSQL in production (postgresql+psycopg://...).
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///laodongthudo.db")

# Politeness: obey robots.txt, one request at a time per domain, adaptive delay, identify ourselves.
ROBOTSTXT_OBEY = True
USER_AGENT = "laodongthudo-crawler/0.1 (+https://github.com/laodongthudo-crawler/laodongthudo)"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

# Scrapy's own retry: 5xx, 429 and timeouts.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Retry-After on 429/503: wait as told (capped), then retry; give up after this many such answers.
DOWNLOADER_MIDDLEWARES = {
    "laodongthudo.middlewares.RetryAfterMiddleware": 560,
    # A redirect never leaves LDTD_BASE_URL's host and port (`skipped/offsite_redirect`).
    "laodongthudo.middlewares.OffsiteRedirectMiddleware": 100,
}
RETRY_AFTER_MAX_TIMES = 5
RETRY_AFTER_MAX_DELAY = 600.0

# A page gives one article at most, and Scrapy starts this many asyncio workers for every response: its
# default of 100 costs more CPU than the page's parsing.
CONCURRENT_ITEMS = 4

# Non-200 answers reach the spider so that it can count them by reason.
HTTPERROR_ALLOWED_CODES = [404, 410]

ITEM_PIPELINES = {
    "pipelines.strip_related.StripRelatedPipeline": 100,
    "pipelines.normalize_text.NormalizeTextPipeline": 200,
    "pipelines.dates.DatesPipeline": 300,
    "pipelines.date_range.DateRangePipeline": 350,
    "pipelines.entities.EntitiesPipeline": 400,
    "pipelines.validate.ValidatePipeline": 500,
    "pipelines.field_stats.FieldStatsPipeline": 550,
    "pipelines.fingerprint.FingerprintPipeline": 600,
    "pipelines.store.StorePipeline": 900,
}

EXTENSIONS = {
    "laodongthudo.extensions.stats_file.StatsFile": 900,
    # A crawl_runs row and a summary in the log when the spider closes; the markup alert.
    "laodongthudo.extensions.run_record.RunRecordExtension": 800,
    # Every article and listing response kept in the pages table (PAGES_STORE), for `reextract`.
    "laodongthudo.extensions.page_capture.PageCapture": 500,
    # Backfills, refreshes and first full crawls: done out of known so far, rate, ETA (a bar on a terminal).
    "laodongthudo.extensions.progress.Progress": 850,
}
# The crawl_runs row is written when a run starts and renewed every RUN_RECORD_HEARTBEAT seconds; a row never
# finished whose process is gone (same host) or silent for RUN_RECORD_DEAD_AFTER seconds is a run that died, and
# the next scheduled run catches up on the gap it may have left (reads every listing page).
RUN_RECORD_ENABLED = True
RUN_RECORD_HEARTBEAT = 60.0
RUN_RECORD_DEAD_AFTER = 600.0

# Keep every fetched page, compressed, in the `pages` table (`off`: keep none). Env PAGES_STORE too.
PAGES_STORE = os.environ.get("PAGES_STORE", "on")
STATS_FILE = os.environ.get("LDTD_STATS_FILE", "")  # final stats as JSON, when set

# Progress: pages and items per minute in the log; backfills checkpoint their paging this often (JOBDIR).
LOGSTATS_INTERVAL = 60.0
LDTD_CHECKPOINT_INTERVAL = 5.0
# Runs that read every listing page report listing pages and articles done of those known so far, the rate and
# (backfills with `since`) how far back they reached, with an ETA: a log line this often (0: never), or a tqdm
# bar when stderr is a terminal and LDTD_PROGRESS_BAR is "auto" ("off": log lines on a terminal too).
LDTD_PROGRESS_INTERVAL = 30.0
LDTD_PROGRESS_BAR = "auto"

# Bounds on listings (a run stopped at one says so and exits 6): listing pages per section per run; pages in a
# row that list unseen links but bring no article, after which a scheduled run stops a section (first and
# catch-up runs read every page); article links taken from one listing page (more: a warning, the rest left).
MAX_LISTING_PAGES = 5000
MAX_BARREN_LISTING_PAGES = 3
MAX_LINKS_PER_LISTING = 200
# Scrapy's own limit, which drops longer requests without a word; the spider refuses them first, counted.
URLLENGTH_LIMIT = 2083

# Markup alert: more than this share of the article pages fetched could not be read for a markup reason
# (no body, a script shell, no date...), or nothing was stored while pages lacked a body or a date.
MARKUP_ALERT_SHARE = 0.10

# Rows are written in batches of this many items, off the reactor thread.
STORE_BATCH_SIZE = 50
# Database unreachable or locked: retry a batch this many times, after STORE_RETRY_DELAY seconds doubled each
# time (2+4+8+16+32 s: a restart of the server loses nothing), then stop the crawl (`store_unavailable`).
STORE_RETRY_TIMES = 5
STORE_RETRY_DELAY = 2.0

# `scrapy crawl` exits 3 on the markup alert, 4 when the database was unavailable, 5 when the site could not be
# read, 6 when a section stopped at a bound (commands/crawl.py).
COMMANDS_MODULE = "laodongthudo.commands"

# No consoles that can read the settings (and the database password) or run code in the crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# One line per dropped item, without the item (laodongthudo/logformatter.py).
LOG_FORMATTER = "laodongthudo.logformatter.LogFormatter"

FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# Log times say their zone (the machine's); the run summary's are Hanoi times, and say so too.
LOG_DATEFORMAT = "%Y-%m-%d %H:%M:%S%z"

# `python -m laodongthudo.search` and `python -m laodongthudo.report` (not used by crawls).
SEARCH_LIMIT = 20  # results shown
SEARCH_SNIPPET_WORDS = 16  # words around the matches in a result's snippet
SEARCH_HIGHLIGHT = ("[", "]")  # what a snippet puts around each matched word
REPORT_TOP_ENTITIES = 15  # people, organisations and places listed, per type
REPORT_CRAWL_RUNS = 30  # latest crawl runs shown
