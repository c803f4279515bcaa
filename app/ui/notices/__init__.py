"""The 通知・法令 area: the notices list and views (view.py) and a notice's 詳細 (editor.py)."""
