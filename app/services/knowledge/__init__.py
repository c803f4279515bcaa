"""The Q&A knowledge area (Q&A・ナレッジ): notes — a question, its answers, where they came
from, how sure the officer is — entered and edited (notes.py), listed, searched by tag
and reviewed when due (listing.py). Tags: app.services.tags."""
