"""The gazetteer reads vietnamadminunits' bundled data set itself (to skip the package's slow imports): pin that
it reads what the library's own `query` gives, so a change of the package's layout fails here, not silently."""

from __future__ import annotations

import subprocess
import sys

from laodongthudo.entities import gazetteer


def test_direct_read_builds_the_same_gazetteer_as_the_library_query(monkeypatch):
    from vietnamadminunits.database import query as library_query

    ours = gazetteer.load_gazetteer.__wrapped__()
    monkeypatch.setattr(gazetteer, "query", library_query)
    theirs = gazetteer.load_gazetteer.__wrapped__()
    assert ours == theirs
    assert len(ours.provinces) >= 34 and len(ours.hanoi_districts) == 30


def test_loading_the_gazetteer_does_not_import_the_package():
    code = (
        "import sys; from laodongthudo.entities.gazetteer import load_gazetteer; load_gazetteer();"
        "print('vietnamadminunits' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
