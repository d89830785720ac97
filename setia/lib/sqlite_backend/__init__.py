"""Django's SQLite backend, with writers queueing for their turn (see base.py)."""
