"""The error every refusal to read a feed raises (a UserError: its Japanese message names
the file or URL and says what is wrong; nothing was imported)."""

from __future__ import annotations

from app.errors import UserError


class FeedError(UserError):
    """The input cannot be read as a feed; nothing was imported."""
