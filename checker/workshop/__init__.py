"""The course and the learner's local state: workshop.toml (course.py), the .workshop/ folder
(store.py), past check results and the untouched starters.

May import text.
"""
