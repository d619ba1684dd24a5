"""Packaging for Scrapyd: `scrapyd-deploy` builds an egg of this project with `setup.py bdist_egg`.

The egg holds `laodongthudo` (spider, settings, the database layer with its Alembic migrations) and the
top-level `pipelines` package; Scrapyd finds the settings through the `scrapy` entry point.
"""

from setuptools import find_namespace_packages, setup

setup(
    name="laodongthudo",
    version="0.1.0",
    # Namespace packages too: the Alembic migrations directories have no __init__.py.
    packages=find_namespace_packages(
        include=("laodongthudo", "laodongthudo.*", "pipelines", "pipelines.*"),
        exclude=("*.__pycache__",),
    ),
    # Read at run time: crawls bring the schema to head with Alembic.
    package_data={
        "laodongthudo.db": ["alembic.ini"],
        "laodongthudo.db.migrations": ["script.py.mako"],
        "laodongthudo.report": ["report.html.j2"],
    },
    entry_points={"scrapy": ["settings = laodongthudo.settings"]},
    zip_safe=False,
)
