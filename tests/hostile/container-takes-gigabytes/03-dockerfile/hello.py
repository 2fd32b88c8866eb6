# two gigabytes, every page written, when the app starts in its container
hoard = b"x" * (2 * 1024 ** 3)
