"""What a run's final stats say: the verdict (alerts and exit status), the crawl_runs row, the summary text.

- `verdict`: the alert policy and the exit statuses of `scrapy crawl` (`assess` decides both from the stats);
- `record`: the `crawl_runs` row built from the final stats and the run's context (written by db/runs.py);
- `summary`: the one-screen summary in the log.
The extension that wires them into a crawl is laodongthudo.extensions.run_record.
"""
