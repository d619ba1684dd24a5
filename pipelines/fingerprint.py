"""`content_hash`: what changes when the article's content changes, and nothing else."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from itemadapter import ItemAdapter

from laodongthudo.items import STORED_FIELDS

# Everything stored from the page (and the entities read from it), so that a row changes exactly when its hash
# does and a better extractor refreshes rows on the next `refresh` run. Identity, derived keys and the hash
# itself are not content, nor is where the parser found each field.
_NOT_CONTENT = ("url", "article_id", "title_key", "content_hash", "field_sources")
HASHED_FIELDS = (*(f for f in STORED_FIELDS if f not in _NOT_CONTENT), "entities")


def content_hash(item: Any) -> str:
    adapter = ItemAdapter(item)
    content = {name: adapter.get(name) for name in HASHED_FIELDS}
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class FingerprintPipeline:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        ItemAdapter(item)["content_hash"] = content_hash(item)
        return item
