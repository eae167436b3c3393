"""The reading area's pages: lessons, standards, history, commits, comparisons and blame."""
