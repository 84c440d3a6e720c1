"""Forms for the VOLT registers, by topic: records, decisions, links, the register lists."""
