"""setia.analytics must stay framework-free: no Django, no other Setia app."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_analytics_imports_neither_django_nor_other_setia_apps():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _imports(path):
            root = name.split(".")[0]
            other_setia = root == "setia" and not (
                name == "setia.analytics" or name.startswith("setia.analytics.")
            )
            if root == "django" or other_setia:
                offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_purity_check_sees_every_module():
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert {"io", "summary", "rfm", "bgnbd", "gamma_gamma", "clv", "cli"} <= modules
