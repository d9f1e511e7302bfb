"""Fail on XML files that are not well-formed (lxml, as Odoo parses them)."""

import sys

from lxml import etree


def main(paths):
    errors = 0
    for path in paths:
        try:
            etree.parse(path)
        except etree.XMLSyntaxError as error:
            print(f"{path}: {error}")
            errors += 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
