"""Casework pages, by topic: a record's casework and a child's journey, risk, plans, missing
episodes and return interviews, NRM, disruption, escalations, and a panel's lists and settings."""
