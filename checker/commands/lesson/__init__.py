"""`make lesson`: a local page with each step's README next to its live checks.

Every use of the rest of the checker goes through actions.py; the other modules of this package
import only it (and each other).
"""
