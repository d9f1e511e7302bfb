"""Write each addon's README.rst from its manifest and readme/*.md fragments (the OCA
layout), so that the fragments stay the one place to edit.

Usage: python gen_readme.py [--check] ADDON_DIR...   (--check: fail when out of date)
"""

import ast
import re
import sys
from pathlib import Path

SECTIONS = [
    ("DESCRIPTION.md", None),
    ("CONFIGURE.md", "Configuration"),
    ("USAGE.md", "Usage"),
    ("CONTRIBUTORS.md", "Contributors"),
]


def md_to_rst(text):
    """The Markdown the fragments use is RST already, but for inline code."""
    return re.sub(r"(?<!`)`([^`\n]+)`(?!`)", r"``\1``", text.strip())


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    parts = [
        "=" * len(title),
        title,
        "=" * len(title),
        "",
        ".. This file is generated from readme/*.md by scripts/gen_readme.py.",
        "",
        f"**{manifest['summary']}**",
        "",
        f"Odoo {manifest['version'][:4]} · license {manifest['license']} · "
        f"status {manifest.get('development_status', 'Beta')}",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = addon / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            parts += [heading, "=" * len(heading), ""]
        parts += [md_to_rst(fragment.read_text()), ""]
    return "\n".join(parts)


def main(argv):
    check = "--check" in argv
    stale = []
    for path in (Path(a) for a in argv if a != "--check"):
        text = render(path)
        target = path / "README.rst"
        if target.exists() and target.read_text() == text:
            continue
        if check:
            stale.append(str(target))
        else:
            target.write_text(text)
    if stale:
        sys.exit("out of date (run scripts/gen_readme.py): " + ", ".join(stale))


if __name__ == "__main__":
    main(sys.argv[1:])
