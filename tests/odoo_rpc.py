"""A small JSON-RPC client for Odoo's external API (what integrators' programs use)."""

import itertools
import json
import urllib.request


class OdooRPCError(Exception):
    """An error Odoo returned over JSON-RPC; ``data`` holds Odoo's error payload."""

    def __init__(self, error):
        data = error.get("data") or {}
        super().__init__(data.get("message") or error.get("message"))
        self.name = data.get("name", "")
        self.data = data


class OdooRPC:
    _ids = itertools.count(1)

    def __init__(self, url, db, login, password):
        self.url, self.db, self.login, self.password = url, db, login, password
        self.uid = self.call("common", "authenticate", db, login, password, {})
        if not self.uid:
            raise PermissionError(f"Odoo refused the login {login!r} on {db!r}")

    @classmethod
    def jsonrpc(cls, url, service, method, *args, timeout=60):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(cls._ids),
            "params": {"service": service, "method": method, "args": list(args)},
        }
        request = urllib.request.Request(
            f"{url}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = json.load(response)
        if answer.get("error"):
            raise OdooRPCError(answer["error"])
        # Odoo leaves "result" out when a method returns None
        return answer.get("result")

    def call(self, service, method, *args):
        return self.jsonrpc(self.url, service, method, *args)

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.password,
            model,
            method,
            list(args),
            kwargs,
        )

    def ref(self, xmlid):
        """Database id of an XML id, the way external programs look them up."""
        module, name = xmlid.split(".")
        found = self.execute(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
            limit=1,
        )
        if not found:
            raise KeyError(xmlid)
        return found[0]["res_id"]
