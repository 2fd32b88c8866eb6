"""The container engine and clean-up: the client, the base images and the learner's images and their
builds, containers and waiting for them, limits, the labels on everything made, who owns it, and the
reaper that removes it.

May import workshop and text.
"""
