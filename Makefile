# Entry points of the repository (see README.md). Odoo 18 source: $(ODOO_PATH), default /opt/odoo.
.PHONY: run test lint test-upstream bootstrap bench

run:            ## start Odoo on http://localhost:8069 with the addons and German demo data
	@scripts/run.sh

test:           ## fresh database, Odoo's runner on our addons, then the end-to-end suite
	@scripts/test.sh

lint:           ## static checks (ruff, ruff format, pylint-odoo, OCA module/PO checks, XML)
	@scripts/bootstrap.sh && .venv-lint/bin/pre-commit run --all-files --show-diff-on-failure

test-upstream:  ## Odoo's own tests of crm, sale_crm, website_crm with our addons installed
	@scripts/test-upstream.sh

bootstrap:      ## build .venv with Odoo's and our requirements
	@scripts/bootstrap.sh

bench:          ## benchmarks against Odoo's native paths (ratios, query counts)
	@scripts/bench.sh
