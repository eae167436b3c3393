"""Serving course repositories to git clients: the http-backend wrapper and the push rules.

`backend` runs `git http-backend` as a streaming CGI program, `rules` checks pushes (run from
the pre-receive hook in `hooks/`), and `pushes` records what an accepted push changed.
"""
