"""The 作業ログ area: the list with its filters (view.py), quick entry (entry_dialog.py)
and the 年度 summaries (summary_page.py)."""
