"""Learner code, run apart from the checker: process trees that always end (sandbox.py), here or in a
container (launch.py); the learner's module imported by import_probe.py in a process of its own, and
what it reports back (inspection.py).

May import engine, workshop and text.
"""
