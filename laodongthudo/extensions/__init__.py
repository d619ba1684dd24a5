"""Scrapy extensions of the project, enabled from `settings.EXTENSIONS`."""
