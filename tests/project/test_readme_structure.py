"""The README's "Projektstruktur" names what is in the tree (issue 13: a newcomer finds each rule).

Every module of `core/` and every rule module of `registrations/rules/` is named in the
block, so a module added without a word in the README fails here."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]


def structure_block():
    readme = (BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Projektstruktur", 1)[1]
    return re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)


def modules(folder):
    return sorted(path.stem for path in (BASE_DIR / folder).glob("*.py") if path.stem != "__init__")


def names(block, name):
    """`name` stands in the block as a word of its own ("cache.py" is not found in "pagecache.py")."""
    return re.search(rf"(?<![\w/.]){re.escape(name)}(?!\w)", block) is not None


def test_a_name_inside_a_longer_one_does_not_count():
    assert not names("pagecache.py", "cache.py") and names("pagecache.py, cache.py", "cache.py")


def test_every_core_module_is_named():
    block = structure_block()
    missing = [name for name in modules("core") if name != "apps" and not names(block, f"{name}.py")]
    assert missing == []


def test_every_rule_module_is_named():
    rules = structure_block().split("rules/", 1)[1].split("queries/", 1)[0]
    named = {name for group in re.findall(r"\(([^)]*)\)", rules) for name in re.split(r",\s*", group)}
    missing = [name for name in modules("registrations/rules") if name not in named]
    assert missing == []


def test_every_folder_of_the_tree_is_named():
    block = structure_block()
    data_folders = {"templates", "static", "locale", "docker", "bench"}
    top = sorted(
        path.name
        for path in BASE_DIR.iterdir()
        if path.is_dir() and ((path / "__init__.py").exists() or path.name in data_folders)
    )
    missing = [name for name in top if not names(block, f"{name}/")]
    assert missing == []
