"""Words in two languages: the choice of language (i18n.py), every sentence (messages.py,
command_messages.py), and the failure that carries them to the learner (failures.py).

The bottom layer: imports nothing of the checker but its root (ROOT, STATE_DIR); needs only the
standard library, so the Makefile can ask it before the virtual environment exists.
"""
