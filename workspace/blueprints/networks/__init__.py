"""The networks area's pages: the directory, a network's home, members, invitations, settings."""
