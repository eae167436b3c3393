"""Use cases: each takes the session, the repository store and the acting user."""
