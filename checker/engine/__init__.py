"""The container engine and clean-up: the client, images and their builds, containers, limits, the
labels on everything made and the reaper that removes it.

May import workshop and text.
"""
