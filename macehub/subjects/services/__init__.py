"""Writes for the VOLT registers, by topic: records, links, merging, imports, retention."""
