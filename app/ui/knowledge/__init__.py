"""The Q&A knowledge notes (ナレッジ) of the 通知・法令 area: the list of notes and the editor
of one note — its question, its answers in order, its tags, the notices, regulations,
business systems and runbooks it concerns, and its review (「まだ正しい？」)."""
