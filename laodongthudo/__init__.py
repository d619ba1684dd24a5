"""Crawl the union news of Báo Lao Động Thủ Đô (laodongthudo.vn) into a SQL database."""
