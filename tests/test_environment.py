"""environment.yml (conda) must list the same packages as pyproject.toml (pip)."""

import re
import tomllib
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = REPO_ROOT / "pyproject.toml"
ENVIRONMENT = REPO_ROOT / "environment.yml"

# Conda entries that are tooling, not dependencies of the project.
NOT_DEPENDENCIES = {"python", "pip"}
# Dependencies the conda environment takes from PyPI, through its `pip: -e .` line.
FROM_PYPI = {"kiwipiepy", "janome", "koreanize-matplotlib", "matplotlib-fontja"}


def _normalise(name: str) -> str:
    """PEP 503 normalisation: lowercase, runs of ``-``, ``_``, ``.`` become ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _split_spec(spec: str) -> tuple[str, str | None]:
    """``"pandas >=3.0"`` -> ``("pandas", "3.0")``: the normalised name and its lower bound."""
    spec = spec.split(";")[0].strip()
    name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", spec)
    assert name, f"cannot read a package name from {spec!r}"
    lower = re.search(r">=\s*([^,\s]+)", spec)
    return _normalise(name.group()), lower.group(1) if lower else None


def _read_environment_yml(path: Path) -> tuple[list[str], list[str]]:
    """Return (conda dependencies, pip sub-list) of a simple environment.yml.

    PyYAML is not a dependency, and the file only uses block lists, so a small line
    reader is enough: top-level keys, ``- item`` lines, and one nested ``- pip:`` list.
    """
    conda: list[str] = []
    pip: list[str] = []
    section = None
    pip_indent = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            section = line.split(":")[0].strip()
            pip_indent = None
            continue
        if section != "dependencies":
            continue
        item = line.strip()
        assert item.startswith("- "), f"{path.name}: unexpected line {raw!r}"
        item = item[2:].strip()
        if pip_indent is not None and indent > pip_indent:
            pip.append(item)
        elif item == "pip:":
            pip_indent = indent
        else:
            pip_indent = None
            conda.append(item)
    return conda, pip


def _pyproject_specs() -> tuple[list[str], str]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return specs, project["requires-python"]


def _conda_specs() -> list[str]:
    conda, _ = _read_environment_yml(ENVIRONMENT)
    return conda


def test_environment_yml_lists_the_pyproject_packages() -> None:
    specs, _ = _pyproject_specs()
    pyproject = {_split_spec(s)[0] for s in specs}
    conda = {_split_spec(s)[0] for s in _conda_specs()} - NOT_DEPENDENCIES

    missing_in_conda = sorted(pyproject - conda - FROM_PYPI)
    missing_in_pyproject = sorted(conda - pyproject)
    assert not missing_in_conda and not missing_in_pyproject, (
        "environment.yml and pyproject.toml (dependencies + dev extra) disagree:\n"
        f"  missing from environment.yml: {missing_in_conda}\n"
        f"  missing from pyproject.toml:  {missing_in_pyproject}"
    )


def test_lower_bounds_match() -> None:
    specs, _ = _pyproject_specs()
    pyproject = dict(_split_spec(s) for s in specs)
    conda = dict(_split_spec(s) for s in _conda_specs())
    differ = {
        name: (bound, conda[name])
        for name, bound in pyproject.items()
        if name in conda and conda[name] != bound
    }
    assert not differ, "lower bounds differ (pyproject.toml, environment.yml): " + ", ".join(
        f"{name} {pair}" for name, pair in sorted(differ.items())
    )


def test_minimum_python_matches() -> None:
    _, requires_python = _pyproject_specs()
    conda = dict(_split_spec(s) for s in _conda_specs())
    pyproject_min = re.search(r">=\s*([0-9.]+)", requires_python)
    assert pyproject_min, f"pyproject.toml requires-python has no lower bound: {requires_python}"
    assert "python" in conda, "environment.yml does not list python"
    assert conda["python"] == pyproject_min.group(1), (
        f"minimum python differs: pyproject.toml {requires_python!r}, "
        f"environment.yml python>={conda['python']}"
    )


def test_pip_section_installs_only_the_project() -> None:
    _, pip = _read_environment_yml(ENVIRONMENT)
    assert pip == ["-e ."], f"environment.yml pip section should be ['-e .'], got {pip}"


CONSTRAINTS = REPO_ROOT / "constraints.txt"


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for raw in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and version, f"constraints.txt: {raw!r} is not an exact pin (name==version)"
        key = _normalise(name)
        assert key not in pins, f"constraints.txt pins {name} twice"
        pins[key] = version.strip()
    return pins


def test_constraints_pin_every_dependency_within_pyproject() -> None:
    from packaging.requirements import Requirement

    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    specs = project["dependencies"] + extras["dev"]
    pins = _pins()
    unpinned, outside = [], []
    for spec in specs:
        req = Requirement(spec)
        version = pins.get(_normalise(req.name))
        if version is None:
            unpinned.append(req.name)
        elif not req.specifier.contains(version, prereleases=True):
            outside.append(f"{req.name}=={version} (pyproject.toml: {req.specifier})")
    assert not unpinned and not outside, (
        "constraints.txt is out of step with pyproject.toml; run `make lock`.\n"
        f"  not pinned: {unpinned}\n  pinned outside pyproject's range: {outside}"
    )


def test_make_installs_from_the_constraints() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line and "-e" in line]
    # `make lock` alone installs without them: it looks for the newest versions to pin
    project_installs = [line for line in installs if '".[' in line and "LOCK_VENV" not in line]
    assert project_installs, "the Makefile does not install the project"
    assert all("-c constraints.txt" in line for line in project_installs), project_installs
    assert "constraints.txt" in next(
        line for line in makefile.splitlines() if line.startswith("$(STAMP):")
    ), "the install stamp must depend on constraints.txt, so a new pin reinstalls"
