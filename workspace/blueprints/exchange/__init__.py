"""Lessons in and out: the import pages."""
