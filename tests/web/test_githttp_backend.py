"""The http-backend wrapper: what the spawned process is told, and nothing more."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from workspace.gitserve.backend import HOOKS_DIR, BackendRequest, backend_env
from workspace.gitserve.rules import PushRules

ALWAYS = {
    "PATH",
    "GIT_PROJECT_ROOT",
    "PATH_INFO",
    "GIT_HTTP_EXPORT_ALL",
    "REQUEST_METHOD",
    "QUERY_STRING",
    "CONTENT_TYPE",
    "REMOTE_ADDR",
    "GIT_CONFIG_NOSYSTEM",
    "GIT_CONFIG_GLOBAL",
    "HOME",
    "XDG_CONFIG_HOME",
    "GIT_TERMINAL_PROMPT",
    "LC_ALL",
    "GIT_CONFIG_COUNT",
}


def _config(env: dict[str, str]) -> dict[str, str]:
    count = int(env["GIT_CONFIG_COUNT"])
    return {env[f"GIT_CONFIG_KEY_{n}"]: env[f"GIT_CONFIG_VALUE_{n}"] for n in range(count)}


def test_clone_environment_is_clean_and_names_the_repository_by_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSPACE_SECRET_KEY", "must-not-leak")
    monkeypatch.setenv("GIT_DIR", "/elsewhere")
    request = BackendRequest(
        repos_root=tmp_path,
        course_id=42,
        service_path="info/refs",
        method="GET",
        query="service=git-upload-pack",
        remote_addr="127.0.0.1",
        git_protocol="version=2",
    )
    env = backend_env(request)
    config_keys = {k for k in env if k.startswith("GIT_CONFIG_KEY_") or "_VALUE_" in k}
    assert set(env) - config_keys == ALWAYS | {"GIT_PROTOCOL"}
    assert env["PATH_INFO"] == "/42.git/info/refs"
    assert env["GIT_PROJECT_ROOT"] == str(tmp_path.resolve())
    assert env["GIT_PROTOCOL"] == "version=2"
    assert "REMOTE_USER" not in env
    config = _config(env)
    assert config["http.receivepack"] == "false"
    assert config["core.hooksPath"] == str(HOOKS_DIR)


def test_push_environment_enables_receive_pack_and_carries_the_rules(tmp_path: Path) -> None:
    request = BackendRequest(
        repos_root=tmp_path,
        course_id=7,
        service_path="git-receive-pack",
        method="POST",
        content_type="application/x-git-receive-pack-request",
        content_encoding="gzip",
        remote_user="ana",
        push_rules=PushRules(max_file_bytes=1234, allow_other_branches=True, may_manage=True),
        push_report=tmp_path / "report",
    )
    env = backend_env(request)
    assert env["PATH_INFO"] == "/7.git/git-receive-pack"
    assert env["REMOTE_USER"] == "ana"
    assert env["HTTP_CONTENT_ENCODING"] == "gzip"
    assert _config(env)["http.receivepack"] == "true"
    assert PushRules.from_env(env) == PushRules(
        max_file_bytes=1234, allow_other_branches=True, may_manage=True
    )
    assert env["WORKSPACE_PUSH_REPORT"] == str(tmp_path / "report")
    assert (HOOKS_DIR / "pre-receive").stat().st_mode & 0o111
    assert (HOOKS_DIR / "post-receive").stat().st_mode & 0o111


def test_pushers_may_not_manage_unless_the_server_says_so() -> None:
    assert PushRules.from_env({}).may_manage is False
    assert PushRules.from_env({"WORKSPACE_PUSH_MAY_MANAGE": "yes"}).may_manage is False
    assert PushRules().to_env()["WORKSPACE_PUSH_MAY_MANAGE"] == "0"


def test_git_checks_every_object_and_leaves_only_dot_names_to_the_push_rules(
    tmp_path: Path,
) -> None:
    request = BackendRequest(
        repos_root=tmp_path, course_id=7, service_path="git-receive-pack", method="POST"
    )
    config = _config(backend_env(request))
    assert config["receive.fsckObjects"] == "true"
    ignored = {key for key, value in config.items() if value == "ignore"}
    assert ignored == {"receive.fsck.hasDot", "receive.fsck.hasDotdot"}


@pytest.mark.parametrize(
    "module", ["rules", "content_rules", "hookgit", "updates", "prereceive", "backend"]
)
def test_push_rules_and_the_backend_wrapper_import_neither_flask_nor_models(module: str) -> None:
    path = Path(HOOKS_DIR).parent / f"{module}.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    forbidden = {"flask", "flask_sqlalchemy", "flask_login", "..models", "..extensions"}
    assert not {name for name in imported if name.split(".")[0] in forbidden or name in forbidden}
