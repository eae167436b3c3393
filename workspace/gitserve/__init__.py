"""Serving course repositories to git clients: the http-backend wrapper and the push rules.

`backend` runs `git http-backend` as a streaming CGI program; the pre-receive hook in `hooks/`
runs `prereceive`, which checks the refs (`rules`) and the files the push brings
(`content_rules`, with workspace.content.checks, the check every door uses), running git
through `hookgit`; `pushes` records what an accepted push changed.
"""
