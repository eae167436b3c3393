"""Adapting lessons and courses from other courses."""
