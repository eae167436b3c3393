"""Lessons in and out: the import pages, and the Word downloads of a lesson, a unit and a
whole course (export)."""
