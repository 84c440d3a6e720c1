"""Test data builders (not part of the application package).

``personas``: the personas' world (``build_world``), accounts and sign-in; ``meetings``,
``casework``, ``library`` and ``review``: records of those apps made for tests.
"""
