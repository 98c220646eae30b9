"""Dependencies are pinned: what is installed is what constraints.txt names, and pyproject pins each one.

A vulnerability audit (pip-audit) needs a vulnerability service that this build cannot reach,
so these tests show the half of ASVS 14.2.1 that can be checked here: nothing floats.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
# Installers and the project itself are not dependencies of the portal.
NOT_PINNED = {"pip", "setuptools", "early-help-front-door"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned to one version"
            pins[_name(name)] = version.strip()
    return pins


def test_every_installed_distribution_is_pinned_in_constraints_at_its_version():
    pins = _constraints()
    installed = {_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    unpinned = sorted(set(installed) - set(pins) - NOT_PINNED)
    assert unpinned == [], f"installed but not in constraints.txt: {unpinned}"
    drifted = {name: (installed[name], pins[name]) for name in installed.keys() & pins.keys()
               if installed[name] != pins[name]}
    assert drifted == {}, f"installed version differs from constraints.txt: {drifted}"


def test_every_declared_dependency_is_pinned_exactly_and_matches_constraints():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + [d for group in project["optional-dependencies"].values()
                                          for d in group]
    pins = _constraints()
    assert len(declared) > 20
    for line in declared:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{line} is not pinned exactly"
        pinned = pins.get(_name(requirement.name))
        assert pinned == specifiers[0].version, f"{line} differs from constraints.txt ({pinned})"
