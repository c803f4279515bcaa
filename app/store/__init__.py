"""Persistence: SQLAlchemy models, engine set-up, migrations, audit, search, backup."""
