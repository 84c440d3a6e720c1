"""Pages for meetings and actions (one module per part of the work)."""
