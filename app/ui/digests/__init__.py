"""The ダイジェスト tab of 通知・法令: the digests kept so far, a new one composed from a
period's notices, regulation changes and Q&A notes (chosen, commented), its preview as
mail text and HTML, copied, written (.txt / .html / .pdf) and kept
(app.services.digests)."""
