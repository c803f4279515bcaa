"""Use cases per area: plain Python on SQLAlchemy sessions, no Qt."""
