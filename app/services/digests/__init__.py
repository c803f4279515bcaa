"""Digests (ダイジェスト): what the officer sends colleagues about a period — notices,
regulation changes, Q&A notes and a few lines of their own — grouped by topic, with
their links and deadlines, as plain text for a mail, as HTML and as PDF.

- ``content``: the plain values a digest is shown from (``Content`` → ``Topic`` →
  ``Item`` with its ``Deadline``s), shared by the text, HTML and PDF outputs.
- ``compose``: the records of a period that may go in (``candidates``) and a digest's
  content made of them (``compose_content``).
- ``store``: kept digests — the next period (``next_period``), keeping one
  (``create_digest``), reading one back (``digest_content``) and the list.
- ``render``: the outputs (``as_text``, ``as_html``, ``write_digest`` choosing by the
  file's suffix; PDF through app.reports.digest_pdf).

Nothing here imports reportlab until a PDF is written.
"""
