"""Importing the content format loads neither Flask, the models nor the git layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "workspace"

# The package's own __init__ imports Flask for create_app, so the probe stands in an empty
# `workspace` package: whatever is loaded afterwards was loaded by the content format itself.
PROBE = """
import json, sys, types
package = types.ModuleType("workspace")
package.__path__ = [sys.argv[1]]
sys.modules["workspace"] = package
import workspace.content
import workspace.content.course_edit, workspace.content.render, workspace.content.scaffold
print(json.dumps(sorted(sys.modules)))
"""

FORBIDDEN = ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "git", "werkzeug")


def test_content_package_loads_no_web_database_or_git_modules():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(PACKAGE)], capture_output=True, text=True, check=True
    )
    loaded = json.loads(result.stdout)
    assert "workspace.content.render" in loaded
    for name in loaded:
        assert name.split(".")[0] not in FORBIDDEN, name
        assert not name.startswith(("workspace.models", "workspace.git")), name
