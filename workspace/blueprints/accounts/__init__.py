"""The accounts area's pages: sign-up, sign-in and sign-out, and the user's settings."""
