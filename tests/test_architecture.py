"""The shape the project promises: pure rules, thin wiring, one blueprint per feature."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "supervision"
FORBIDDEN_IN_RULES = {
    "flask",
    "flask_babel",
    "flask_login",
    "flask_wtf",
    "flask_sqlalchemy",
    "sqlalchemy",
    "wtforms",
    "openpyxl",
    "xlsxwriter",
    "apscheduler",
}
#: Seed reference data the rules may fall back on (tests/inspections checks they are stdlib-only).
SEED_DATA = [PACKAGE / "inspections" / "reference.py", PACKAGE / "industries" / "reference.py"]
PURE_MODULES = (
    sorted(PACKAGE.rglob("rules.py"))
    + sorted(PACKAGE.rglob("rules/*.py"))
    + [PACKAGE / "core" / "workdays.py", PACKAGE / "core" / "sampling.py"]
    + SEED_DATA
)


def resolve_relative(path: Path, name: str) -> Path | None:
    """The file a relative import such as ``..reference`` in ``path`` reaches."""
    level = len(name) - len(name.lstrip("."))
    base = path.parent
    for _ in range(level - 1):
        base = base.parent
    module = name.lstrip(".")
    target = base.joinpath(*module.split(".")) if module else base
    for candidate in (target.with_suffix(".py"), target / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level > 0:
                names.add("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_modules_import_no_framework(path):
    imported = imported_top_level_modules(path)
    assert not imported & FORBIDDEN_IN_RULES, f"{path} imports {imported & FORBIDDEN_IN_RULES}"


@pytest.mark.parametrize("path", PURE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_pure_modules_import_only_pure_project_modules(path):
    """A relative import from a rules module may only reach other pure modules."""
    for name in imported_top_level_modules(path):
        if name.startswith("."):
            if name.lstrip(".") == "":
                continue  # ``from . import x``: a sibling of a pure package
            assert resolve_relative(path, name) in PURE_MODULES, (
                f"{path} imports {name}, which is not a pure module"
            )


def test_the_check_catches_a_forbidden_import(tmp_path):
    sample = tmp_path / "rules.py"
    sample.write_text("from sqlalchemy import select\nimport flask\n")
    assert imported_top_level_modules(sample) & FORBIDDEN_IN_RULES == {"sqlalchemy", "flask"}


FEATURES = [p.parent for p in PACKAGE.glob("*/views.py")]


@pytest.mark.parametrize("feature", FEATURES, ids=lambda p: p.name)
def test_feature_is_a_blueprint_named_like_its_package(app, feature):
    assert feature.name in app.blueprints, f"{feature.name} is not registered as a blueprint"
    assert (PACKAGE.parent / "templates" / feature.name).is_dir()


@pytest.mark.parametrize("feature", FEATURES, ids=lambda p: p.name)
def test_no_feature_imports_another_features_views(feature):
    for path in feature.rglob("*.py"):
        for name in imported_top_level_modules(path):
            if name.startswith("..") and name.endswith(".views"):
                pytest.fail(f"{path} imports {name}")


def test_factory_does_wiring_only():
    """create_app must not create tables, run migrations or start schedulers."""
    source = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    for forbidden in ("create_all(", "upgrade(", "Scheduler(", ".start("):
        assert forbidden not in source
