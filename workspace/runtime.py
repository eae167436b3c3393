"""Access to the app's course repository store."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from .git import RepoStore

_lock = threading.Lock()


def repo_store() -> RepoStore:
    """Return the app's RepoStore (one per app, made on first use)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get("repo_store")
    if store is None:
        with _lock:
            store = app.extensions.get("repo_store")
            if store is None:
                from .git import RepoStore

                store = RepoStore(Path(app.config["REPOS_ROOT"]))
                app.extensions["repo_store"] = store
    return store
