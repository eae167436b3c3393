"""Blueprints, one package per area of the product (the modules that define a `bp`)."""

from __future__ import annotations

from flask import Flask

# Registered in this order; githttp and api answer machines, the rest answer people.
AREAS = (
    "main",
    "accounts.auth",
    "accounts.settings",
    "networks",
    "courses.views",
    "reading.lessons",
    "editing.editor",
    "reading.history",
    "threads",
    "studies",
    "studies.hours",
    "exchange.imports",
    "exchange.export",
    "notifications.views",
    "activity.views",
    "adapting.views",
    "partners",
    "search",
    "api",
    "githttp",
)


def register_blueprints(app: Flask) -> None:
    """Import each area's module and register its `bp` blueprint."""
    from importlib import import_module

    for area in AREAS:
        module = import_module(f"{__name__}.{area}")
        app.register_blueprint(module.bp)
