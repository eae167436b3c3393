"""Running the app: backups and restores, and the configuration check."""

from __future__ import annotations

from ._backup import BackupError, Report, backup, restore
from ._checks import Finding, run_checks

__all__ = ["BackupError", "Finding", "Report", "backup", "restore", "run_checks"]
