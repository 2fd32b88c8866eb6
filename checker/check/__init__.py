"""What a check module (checks/test_NN_*.py) uses: the learner's app, a deployment, a compose project,
the /set-/get contract, and the pytest plugin that shows the verdict.

May import learner, engine, workshop and text; never commands.
"""
