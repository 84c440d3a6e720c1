"""Reads for meetings, always scoped to the asking person, one module per topic.

Every page starts from ``meetings.meetings_visible_to``, ``agenda.items_visible_to`` or
``actions.actions_visible_to`` — the ``visible()`` of the meeting, item and action policies —
so an item about a person of concern hidden from someone is hidden on the agenda, in the pack,
the grid, the minutes, the PDFs and the exports alike. Each function runs a fixed number of
queries whatever the number of items or agencies.

* :mod:`.meetings` — meetings; :mod:`.agenda` — items and building the agenda;
  :mod:`.invitations` — people, agencies and who is asked what; :mod:`.contributions`;
  :mod:`.pack`; :mod:`.attendance` — attendance and quoracy; :mod:`.actions`;
  :mod:`.minutes`; :mod:`.quality` — aggregates for oversight.
"""
