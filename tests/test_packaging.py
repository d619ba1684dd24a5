"""pyproject.toml declares what requirements.txt pins: the runtime dependencies, and the `deploy` and `test`
extras (requirements.txt keeps them under its "# Runtime", "# Deploying" and "# Tests" headings)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# requirements.txt's headings, and where pyproject.toml declares the lines under each.
SECTIONS = {"# Runtime": "dependencies", "# Deploying": "deploy", "# Tests": "test"}


def requirement_sections(text: str) -> dict[str, list[str]]:
    """The requirement lines under each heading (other comments are notes; `# x` after a pin is dropped)."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        heading = next((name for prefix, name in SECTIONS.items() if line.startswith(prefix)), None)
        if heading:
            current = heading
            sections[current] = []
        elif line and not line.startswith("#"):
            assert current is not None, f"requirements.txt: {line!r} comes before any heading"
            sections[current].append(line.split("#", 1)[0].strip())
    return sections


def test_pyproject_and_requirements_pin_the_same_packages() -> None:
    pinned = requirement_sections((REPO / "requirements.txt").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    assert set(pinned) == set(SECTIONS.values())
    assert {name: sorted(lines) for name, lines in declared.items()} == {
        name: sorted(lines) for name, lines in pinned.items()
    }


def test_every_runtime_dependency_is_pinned_exactly() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["dependencies"] and all("==" in line for line in project["dependencies"])


def test_the_section_reader_sees_a_pin_out_of_step() -> None:
    text = "# Runtime\nScrapy==2.19.0\n# a note\nlxml==6.1.3  # why\n# Tests\npytest==9.2.0\n"
    assert requirement_sections(text) == {"dependencies": ["Scrapy==2.19.0", "lxml==6.1.3"], "test": ["pytest==9.2.0"]}


EQUIPMENT = ("replica", "tests", "bench")  # test, demo and benchmark equipment, beside the product


def imported_modules(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_no_product_module_imports_test_bench_or_replica_code() -> None:
    product = [*(REPO / "laodongthudo").rglob("*.py"), *(REPO / "pipelines").rglob("*.py")]
    assert len(product) > 50
    offending = {
        str(path.relative_to(REPO)): sorted(m for m in imported_modules(path) if m.split(".")[0] in EQUIPMENT)
        for path in product
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}


def test_the_egg_holds_only_the_product() -> None:
    from setuptools import find_namespace_packages

    packages = find_namespace_packages(REPO, include=("laodongthudo", "laodongthudo.*", "pipelines", "pipelines.*"))
    assert "laodongthudo.db.migrations.versions" in packages
    assert not [p for p in packages if p.split(".")[0] in EQUIPMENT or ".replica" in p]
