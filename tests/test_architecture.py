"""The layers hold: no import cycle among aekit's modules, the file format (``aekit.io``) and the
registry sit below everything else, the registry names exactly aekit's public objects, and a
package uses only the public names of another (no ``_private`` module, name or attribute).

Imports are read from the source with ``ast``, so an import inside a function counts as much as
one at the top of a module: hiding an import in a function does not remove the dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aekit
from aekit import registry

SRC = Path(aekit.__file__).resolve().parent.parent
# What the file format and the registry may use: the format itself, the version, the device
# names, (for io's ``load``) the registry that turns a class name into a class, and (for a
# pickle of another aekit's warning) warning_lines, which imports nothing of aekit's either.
LOW_LAYERS = {
    "aekit.registry": set(),
    "aekit.io": {
        *("aekit.io", "aekit._version", "aekit.devices", "aekit.registry"),
        "aekit.warning_lines",
    },
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted((SRC / "aekit").rglob("*.py"))}


def _package_of(name: str) -> str:
    """The package a module's relative imports start from."""
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(importer).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str) -> set[str]:
    """Every aekit module ``name`` imports, anywhere in the file. ``from aekit.x import y``
    imports the module ``aekit.x.y`` when there is one, else ``aekit.x``."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(name, node)
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in MODULES else module)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_sees_the_modules():
    assert "aekit.io.model_file" in GRAPH["aekit.estimators.persistence"]
    assert "aekit.registry" in GRAPH["aekit.io.model_file"]
    # relative imports and ``from package import module`` resolve to the module
    assert "aekit.compression.container" in GRAPH["aekit.compression.compressor"]


def test_no_import_cycles():
    found = cycles(GRAPH)
    assert not found, "import cycles among aekit's modules:\n" + "\n".join(
        " <-> ".join(component) for component in found
    )


def test_cycle_finder_reports_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"p": {"p.m"}, "p.m": {"p.n"}, "p.n": set()}) == []


@pytest.mark.parametrize("layer", sorted(LOW_LAYERS))
def test_low_layers_import_only_what_lies_below(layer):
    allowed = LOW_LAYERS[layer]
    members = [m for m in GRAPH if m == layer or m.startswith(layer + ".")]
    assert members
    wrong = {
        f"{module} imports {target}"
        for module in members
        for target in GRAPH[module]
        if not any(target == ok or target.startswith(ok + ".") for ok in allowed)
    }
    assert not wrong, sorted(wrong)


# --- packages use each other's public names only ----------------------------------------------
# aekit's packages; a module's package is the first name after ``aekit``. The foundation below
# them (registry, moved module names, version, the warnings' caller line) is everyone's.
PACKAGES = {
    *("core", "data", "estimators", "io", "anomaly", "hashing", "compression"),
    *("imputation", "denoising", "generation", "viz", "cli"),
}
FOUNDATION = ("aekit.registry", "aekit._moved", "aekit._version", "aekit.warning_lines")


def package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "aekit" and len(parts) > 1 and parts[1] in PACKAGES else None


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(name: str, tree: ast.AST) -> list[str]:
    """The imports in module ``name`` of a ``_private`` module or name of another package:
    ``from aekit.estimators._base import X``, ``from aekit.estimators.base import _x`` or
    ``import aekit.estimators._base`` outside ``aekit.estimators``."""
    home, found = package_of(name), []

    def check(module: str, names: list[str]) -> None:
        if any(module == f or module.startswith(f + ".") for f in FOUNDATION):
            return
        if package_of(module) in (None, home):
            return
        if any(_private(part) for part in module.split(".")):
            found.append(f"{name} imports {module}")
        found.extend(f"{name} imports {module}.{n}" for n in names if _private(n))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            check(_absolute(name, node), [alias.name for alias in node.names])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name, [])
    return found


def private_definitions(tree: ast.AST) -> set[str]:
    """The ``_private`` names a module defines: functions, classes, and assigned names and
    attributes (``_x = ...``, ``self._x = ...``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for part in ast.walk(target):
                    names.add(part.id if isinstance(part, ast.Name) else getattr(part, "attr", ""))
    return {n for n in names if _private(n)}


TREES = {name: ast.parse(path.read_text()) for name, path in MODULES.items()}
DEFINED: dict[str | None, set[str]] = {}
for _name, _tree in TREES.items():
    DEFINED.setdefault(package_of(_name), set()).update(private_definitions(_tree))


def private_attribute_uses(name: str, tree: ast.AST, defined: dict) -> list[str]:
    """Uses in module ``name`` of a ``_private`` attribute that only another package defines,
    on anything but ``self``, ``cls``, ``super()`` or a base class of the class it is in (a
    subclass extending its base's hooks and tables is the extension protocol)."""
    home, found = package_of(name), []
    own = defined.get(home, set())
    elsewhere = set().union(*(names for package, names in defined.items() if package != home))

    def visit(node: ast.AST, bases: frozenset[str]) -> None:
        if isinstance(node, ast.ClassDef):
            bases = bases | {ast.unparse(base) for base in node.bases}
        if isinstance(node, ast.Attribute) and node.attr in elsewhere - own:
            owner = ast.unparse(node.value)
            if owner not in {"self", "cls", "super()", *bases}:
                found.append(f"{name}:{node.lineno} uses {owner}.{node.attr}")
        for child in ast.iter_child_nodes(node):
            visit(child, bases)

    visit(tree, frozenset())
    return found


def test_packages_import_no_private_module_or_name_of_another():
    wrong = [line for name, tree in TREES.items() for line in private_imports(name, tree)]
    assert not wrong, "make the name public where it belongs:\n" + "\n".join(wrong)


def test_packages_use_no_private_attribute_of_another():
    wrong = [
        line for name, tree in TREES.items() for line in private_attribute_uses(name, tree, DEFINED)
    ]
    assert not wrong, "use (or add) a public method instead:\n" + "\n".join(wrong)


def test_the_private_name_rules_catch_a_reach_into_another_package():
    reach = ast.parse(
        "from aekit.estimators._params import is_number\n"
        "from aekit.estimators.composite import _passed_on\n"
        "import aekit.estimators._base\n"
        "from aekit.anomaly.scoring import SCORES\n"  # its own package: fine
        "def score(member, detector):\n"
        "    return member._to_model(1), detector._encoder()\n"
    )
    name = "aekit.anomaly.ensemble"
    assert private_imports(name, reach) == [
        f"{name} imports aekit.estimators._params",
        f"{name} imports aekit.estimators.composite._passed_on",
        f"{name} imports aekit.estimators._base",
    ]
    assert private_attribute_uses(name, reach, DEFINED) == [f"{name}:6 uses member._to_model"]
    protocol = ast.parse(
        "class Kind(BaseAutoencoder):\n"
        "    _parameter_constraints = {**BaseAutoencoder._parameter_constraints}\n"
        "    def fit(self, other):\n"
        "        return self._to_model(1), super()._to_data(2), BaseAutoencoder._batched\n"
    )
    assert private_attribute_uses("aekit.hashing.binary", protocol, DEFINED) == []
    assert private_attribute_uses("aekit.viz.report", protocol, DEFINED) == []


# --- the registry and aekit's public names ------------------------------------------------------


@pytest.mark.parametrize("name", sorted(set(aekit.__all__) - {"__version__", "datasets"}))
def test_every_public_name_resolves_through_the_registry(name):
    assert name in registry.PUBLIC
    assert getattr(aekit, name) is registry.resolve(name)


def test_public_names_are_the_registrys():
    assert set(aekit.__all__) == {*registry.PUBLIC, "__version__", "datasets"}


def test_every_package_is_an_attribute_of_aekit():
    # The README writes aekit.generation.metrics.frechet_distance after a bare "import aekit";
    # it was an AttributeError.
    packages = {
        p.name for p in Path(aekit.__file__).parent.iterdir() if (p / "__init__.py").exists()
    }
    for name in packages - {"cli", "core", "estimators", "serve", "io"}:  # internal layers
        assert getattr(aekit, name).__name__ == f"aekit.{name}"
    assert callable(aekit.generation.metrics.frechet_distance)


def test_model_file_classes_are_classes_that_save():
    for name in registry.MODEL_FILE_CLASSES:
        cls = registry.find_class(name)
        assert isinstance(cls, type) and cls.__name__ == name
        assert callable(cls.save)


@pytest.mark.parametrize("name", ["NoSuchAutoencoder", "load", "load_index", "os:system", "", 3])
def test_find_class_refuses_unknown_names_and_functions(name):
    with pytest.raises(ValueError, match="unknown"):
        registry.find_class(name)


@pytest.mark.parametrize("name", ["TabularEncoder", "HammingIndex", "VAE", "load"])
def test_model_files_name_only_estimators_that_save(name):
    with pytest.raises(ValueError, match="unknown estimator class"):
        registry.model_file_class(name)


def test_cli_aliases_name_model_file_classes():
    assert registry.CLI_MODELS["cvae"] == "ConditionalVAE"
    assert set(registry.CLI_MODELS.values()) <= registry.MODEL_FILE_CLASSES


# The layers of the README's layout table: what each top-level part of aekit may import besides
# itself. Applications build on the estimators; figures on the applications; the CLI on all.
FOUNDATION = {"_version", "devices", "registry", "io", "warning_lines"}
APPLICATIONS = {
    "anomaly",
    "hashing",
    "compression",
    "imputation",
    "denoising",
    "generation",
    "pretraining",
}
ALLOWED = {
    "_version": set(),
    "_moved": set(),
    "devices": set(),
    "registry": set(),
    "warning_lines": set(),
    "io": {"_version", "devices", "registry", "warning_lines"},
    "core": FOUNDATION,
    "data": FOUNDATION,
    "estimators": FOUNDATION | {"core", "data"},
    **{app: FOUNDATION | {"core", "data", "estimators"} for app in APPLICATIONS},
    # Series detection is a composition of the row detector: the one application built on another.
    "timeseries": FOUNDATION | {"core", "data", "estimators", "anomaly"},
    "export": FOUNDATION | {"core", "data", "estimators"} | APPLICATIONS,
    "serve": FOUNDATION | {"core", "data", "estimators", "export"} | APPLICATIONS,
    "viz": FOUNDATION | {"core", "data", "estimators", "timeseries"} | APPLICATIONS,
    "cli": FOUNDATION
    | {"core", "data", "estimators", "viz", "export", "serve", "aekit", "timeseries"}
    | APPLICATIONS,
    "aekit": {"_moved", "_version", "registry"},  # the package itself: lazy public names
    "__main__": {"cli"},  # python -m aekit (torchrun -m aekit): the command line
}


def _part(module: str) -> str:
    """``aekit.core.model`` -> ``core``; ``aekit`` -> ``aekit``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "aekit"


@pytest.mark.parametrize("part", sorted(ALLOWED))
def test_each_part_imports_only_the_layers_below_it(part):
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _part(module) == part
        for target in targets
        if _part(target) != part and _part(target) not in ALLOWED[part]
    )
    assert not wrong, "imports against the layering:\n  " + "\n  ".join(wrong)


def test_every_part_of_aekit_has_a_place_in_the_layers():
    assert {_part(module) for module in MODULES} <= set(ALLOWED)
