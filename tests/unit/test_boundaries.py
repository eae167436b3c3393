"""The layers and areas hold: the import-linter contracts in pyproject.toml are kept.

The contracts say that the storage engine and the content format import nothing of the app and
no Flask, that use cases import no Flask, that the layers go blueprints -> services -> models,
content and git and never back, that service areas meet only through their public __init__,
and that no package's modules import each other in a circle.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 broken" in proc.stdout


def test_a_wrong_import_breaks_a_contract(tmp_path: Path):
    # The contracts can fail: a copy of the package whose storage engine imports Flask.
    copy = tmp_path / "workspace"
    subprocess.run(["cp", "-r", str(ROOT / "workspace"), str(copy)], check=True)
    (copy / "git" / "leak.py").write_text("import flask\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(lint), "--no-cache"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode != 0
    assert "workspace.git.leak -> flask" in proc.stdout
