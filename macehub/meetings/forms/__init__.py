"""Forms for meetings and actions, one module per topic (fields shared by them in :mod:`.fields`).
Errors say what to do; what was typed is kept."""
