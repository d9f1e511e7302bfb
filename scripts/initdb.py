"""Create an Odoo database for the product when it is missing, then install our addons.

Works against any Odoo 18 (source tree or the official docker image): everything after
the known options is handed to Odoo's own configuration parser (``-c odoo.conf``,
``--addons-path=...``, ``--db_host=...``).

    python initdb.py --db crm_phases [--lang de_DE] [--country DE] [--no-demo] \
        -- -c odoo.conf
"""

import argparse
import logging
import sys

import odoo
from odoo.service import db as db_service
from odoo.tools import config

ADDONS = ["crm_phases", "erp_transfer", "mailmerge_letters"]
_logger = logging.getLogger("initdb")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--lang", default="de_DE")
    parser.add_argument("--country", default="DE")
    parser.add_argument("--tz", default="Europe/Berlin")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("odoo_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    odoo_args = [a for a in args.odoo_args if a != "--"]
    config.parse_config(odoo_args, setup_logging=True)

    if not db_service.exp_db_exist(args.db):
        _logger.info("creating database %s (%s, %s)", args.db, args.lang, args.country)
        db_service.exp_create_database(
            args.db, not args.no_demo, args.lang, "admin", "admin", args.country
        )
        if not db_service.exp_db_exist(args.db):
            sys.exit(f"error: could not create database {args.db}; see the log above.")
        with odoo.modules.registry.Registry(args.db).cursor() as cr:
            # Germany spans two time zones in Odoo's table, so Odoo sets none itself.
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["res.users"].search([]).write({"tz": args.tz})
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.module.module"].update_list()
        missing = env["ir.module.module"].search(
            [("name", "in", ADDONS), ("state", "!=", "installed")]
        )
        if missing:
            _logger.info("installing %s", ", ".join(missing.mapped("name")))
            missing.button_immediate_install()
    with registry.cursor() as cr:
        # Odoo installs a module without its demo data when that fails, with a mere
        # warning: a demo database without the seed's world is not what was asked for.
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        modules = env["ir.module.module"].search([("name", "in", ADDONS)])
        if env.ref("base.module_base").demo and not all(modules.mapped("demo")):
            no_demo = modules.filtered(lambda m: not m.demo).mapped("name")
            sys.exit(
                f"error: demo data of {', '.join(no_demo)} failed; see the log above."
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
