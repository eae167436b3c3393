"""The courses area's pages: a course's home, settings, print view and zip download."""
