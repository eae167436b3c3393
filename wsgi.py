"""WSGI entry point: `gunicorn --worker-class gthread --threads 8 wsgi:app`."""

from workspace import create_app

app = create_app()
