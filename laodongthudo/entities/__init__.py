"""Entity extraction: the people, organisations and places an article names (see `extractor`)."""

from laodongthudo.entities.extractor import LOCATION, ORGANIZATION, PERSON, extract_entities, warm_up

__all__ = ["LOCATION", "ORGANIZATION", "PERSON", "extract_entities", "warm_up"]
