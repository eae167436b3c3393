"""The lesson content format: front matter, course.yaml, standards codes, Markdown rendering."""
