"""One data path for pages: only the state modules (``pages/ui/state.py`` and
``pages/ui/*_state.py``) import ``data`` or call ``get_store``; page scripts and their
``*_ui`` helpers ask them, passing a Selection."""

import ast

from tests.conftest import ROOT


def is_state_module(path) -> bool:
    return path.parent.name == "ui" and (path.name == "state.py"
                                         or path.name.endswith("_state.py"))


def data_uses(source: str) -> list[str]:
    """Each import of ``data`` (or a submodule) and each ``get_store`` call, by line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name == "data" or a.name.startswith("data.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "data" or node.module.startswith("data.")):
            found.append(f"{node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "get_store":
                found.append(f"{node.lineno}: get_store()")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def test_the_checker_sees_every_form():
    source = ("import data\nimport data.store as s\nfrom data import Store\n"
              "from data.mapping import x\nfrom pages.ui import state\n"
              "state.get_store().info()\nget_store()\nfrom database import y\n")
    assert [use.split(":")[0] for use in data_uses(source)] == ["1", "2", "3", "4", "6", "7"]


def test_only_state_modules_reach_data():
    scripts = [*(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]
    assert len(scripts) > 10
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in scripts if not is_state_module(path)
        if (uses := data_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
    state = (ROOT / "pages" / "ui" / "state.py").read_text(encoding="utf-8")
    assert data_uses(state)  # the checker reads the state module as it is
