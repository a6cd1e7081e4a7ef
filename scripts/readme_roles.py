"""Rewrite the roles and visibility tables in README.md from tenancy/roles.py and tenancy/visibility.py
(run: .venv/bin/python scripts/readme_roles.py)."""

import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apcommission.settings.base")
import django  # noqa: E402

django.setup()
from tenancy.roles import capability_table_markdown  # noqa: E402
from tenancy.visibility import visibility_table_markdown  # noqa: E402

readme = Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text()
new = re.sub(
    r"(<!-- roles-table -->\n).*?(<!-- /roles-table -->)",
    lambda m: m.group(1) + capability_table_markdown() + "\n" + m.group(2),
    text,
    flags=re.S,
)
new = re.sub(
    r"(<!-- visibility-table -->\n).*?(<!-- /visibility-table -->)",
    lambda m: m.group(1) + visibility_table_markdown() + "\n" + m.group(2),
    new,
    flags=re.S,
)
readme.write_text(new)
print("README tables updated" if new != text else "README tables already current")
