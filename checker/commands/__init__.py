"""The commands learners, instructors and authors run (`make progress`, `hint`, `watch`, `grade`, `new-step`…).

cli.py wires them; plumbing.py is what they share (naming a step, reaching the engine, running a check).
They may import every layer below: check, learner, engine, workshop, text.
"""
