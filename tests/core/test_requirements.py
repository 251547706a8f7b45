"""requirements/prod.txt and dev.txt (pip-tools, `make requirements`) agree with pyproject.toml and carry hashes."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith((" ", "#")):
            name, version = line.split("==")
            found[norm(name)] = version.split()[0]
    return found


def declared(requirements: list[str]) -> set[str]:
    return {norm(NAME.match(requirement).group(1)) for requirement in requirements}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PROD = pins(ROOT / "requirements" / "prod.txt")
DEV = pins(ROOT / "requirements" / "dev.txt")


def test_every_dependency_of_pyproject_is_pinned():
    assert declared(PROJECT["dependencies"]) <= PROD.keys()
    assert declared(PROJECT["optional-dependencies"]["dev"]) <= DEV.keys()


def test_dev_installs_production_at_the_same_versions():
    assert {name: DEV.get(name) for name in PROD} == PROD


def test_every_pin_has_a_hash_and_no_file_names_a_local_path():
    for name in ("prod.txt", "dev.txt"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
        assert all("--hash=sha256:" in block for block in blocks if "==" in block), name
        assert not re.search(r"file:|/tmp/|--index-url|--find-links", text), name


def test_unused_packages_stay_out():
    assert not {"django-htmx", "factory-boy", "faker"} & DEV.keys()
