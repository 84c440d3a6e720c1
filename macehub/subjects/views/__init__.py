"""The VOLT register pages, by topic: the register and its lists, records, links, imports and
retention."""
