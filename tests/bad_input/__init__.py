"""The bad-input table: one row per public callable of course_lib (see ``table.py``).

Each ``rows_*.py`` file beside this one holds the rows of one part of the library in a list
named ``ROWS``; ``tests/test_bad_input.py`` runs them all and checks that every public callable
has a row.
"""
