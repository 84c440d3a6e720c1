"""Evidence for the self-assessment, drawn from the records (issue #15).

``measures`` is the catalogue (what each figure means and where it comes from), ``compute``
works every figure out for one partnership and one period in a fixed number of queries, and
``ratings`` suggests a rating for a question from its figures. Nothing here writes.
"""
