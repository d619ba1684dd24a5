"""Scrapy commands of the project (settings.COMMANDS_MODULE): they replace Scrapy's commands of the same name."""
