"""README.md stays true: the two commands come first and every environment variable is documented."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines() if line.strip()]
    assert commands == ["scripts/run", "scripts/test"]
    assert (ROOT / ".ci" / "run").read_text().strip().endswith("exec scripts/test")


def test_every_environment_variable_is_documented():
    names = set()
    for path in (ROOT / "apcommission" / "settings").glob("*.py"):
        source = path.read_text()
        names |= set(re.findall(r'env(?:\.\w+|_secret)\(\s*"([A-Z][A-Z0-9_]+)"', source))
        names |= set(re.findall(r'os\.environ\.setdefault\(\s*"([A-Z][A-Z0-9_]+)"', source))
    assert len(names) > 15
    undocumented = sorted(n for n in names if f"`{n}`" not in README)
    assert not undocumented, f"document these in README.md's configuration table: {undocumented}"
