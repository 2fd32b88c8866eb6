"""Learner code, run apart from the checker: a sandboxed process (sandbox.py) that imports the
learner's module with import_probe.py and reports back.

May import engine, workshop and text.
"""
