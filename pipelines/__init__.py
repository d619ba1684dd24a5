"""Item pipelines, one transformation per module, in the order `settings.ITEM_PIPELINES` gives."""
