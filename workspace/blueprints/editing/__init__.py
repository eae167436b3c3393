"""The editing area's pages: the lesson editor, its live helpers, conflict resolution, Organize."""
