"""Rebuild an addon's translation files from a fresh export, keeping translations.

After merging branches that each added strings, the union of their .po files is not a
valid catalogue. Export the .pot from a database with the addon installed
(``odoo-bin --i18n-export=/tmp/x.pot --modules=ADDON``), then:

    python scripts/i18n_merge.py ADDON_DIR EXPORTED_POT [OLD_PO ...]

writes ADDON_DIR/i18n/ADDON.pot and de.po with every translation found in the
current de.po and the OLD_PO files (for example the branches' versions), and lists
the entries still without German.
"""

import sys
from pathlib import Path

import polib


def main(addon_dir, exported, *old_pos):
    addon = Path(addon_dir)
    current = addon / "i18n" / "de.po"
    known = {}
    for path in (*old_pos, current):
        try:
            entries = polib.pofile(str(path))
        except OSError:
            continue
        known.update({(e.msgctxt, e.msgid): e.msgstr for e in entries if e.msgstr})
    for name, language in ((f"{addon.name}.pot", None), ("de.po", "de")):
        catalogue = polib.pofile(exported)
        for key in ("POT-Creation-Date", "PO-Revision-Date"):
            catalogue.metadata.pop(key, None)
        if language:
            catalogue.metadata["Language"] = language
            catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
            for entry in catalogue:
                entry.msgstr = known.get((entry.msgctxt, entry.msgid), "")
            missing = [e.msgid for e in catalogue if not e.msgstr]
        catalogue.save(str(addon / "i18n" / name))
    print("without German:", missing)


if __name__ == "__main__":
    main(*sys.argv[1:])
