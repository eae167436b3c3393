"""The pre-receive hook: refuse a push that breaks the course's rules, saying why.

Run by `hooks/pre-receive` as `python -m workspace.gitserve.prereceive` in the bare
repository, with the ref updates on standard input. What it prints to standard error reaches
the person pushing as "remote:" lines; a non-zero exit refuses the whole push.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .rules import PushRules, check_push, parse_updates


def main() -> int:
    """Return the hook's exit status: 0 accepts the push, 1 refuses it."""
    updates = parse_updates(sys.stdin.read().splitlines())
    git_dir = Path(os.environ.get("GIT_DIR") or ".").resolve()
    try:
        result = check_push(git_dir, updates, PushRules.from_env(os.environ))
    except Exception as exc:  # noqa: BLE001 (a push that cannot be checked is refused)
        sys.stderr.write(
            "This push could not be checked, so it was refused; nothing was changed. "
            f"Please try again later. ({type(exc).__name__})\n"
        )
        return 1
    if result.accepted:
        return 0
    sys.stderr.write(result.report())
    return 1


if __name__ == "__main__":
    sys.exit(main())
