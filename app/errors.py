"""The base of every error whose message is written for the user (in Japanese).

Such errors are expected (bad input, a refused operation, an unusable file); they
are shown as they are and are not reported as bugs.
"""


class UserError(Exception):
    """An expected failure with a message for the user."""
