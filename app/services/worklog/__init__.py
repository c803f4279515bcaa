"""The work log (作業ログ): entries (entries.py), the filtered list (listing.py) and the
monthly / fiscal-year summaries (summary.py)."""
