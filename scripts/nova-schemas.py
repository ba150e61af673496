#!/usr/bin/env python3
"""Dump nova's own JSON schemas, route by route, as JSON on stdout.

Run with the Python of a virtualenv that has nova installed (the realnova venv):

    $REALNOVA_DIR/venv/bin/python scripts/nova-schemas.py > nova-schemas.json

For every route of nova/api/openstack/compute/routes.py (and, for `.../action` routes, every
action name a body may carry) it prints the controller method's version range and each kind of
schema nova's validation decorators registered on it (`request_body`, `query`, `response`), each
with its microversion range. Ranges are "MAJOR.MINOR" strings or null (open).

nova records the schemas on the decorated function: `validation.schema`,
`validation.query_schema` and `validation.response_body_schema` each keep a
`validation.Schemas` object (`request_body_schemas`, `request_query_schemas`,
`response_body_schemas`) whose `_schemas` list holds (schema, min, max) tuples; functools.wraps
carries the attribute through the other decorators. `wsgi.api_version` leaves `min_version` /
`max_version` on the method, `wsgi.removed` leaves `removed`.
"""

import json
import sys

from nova.api.openstack import api_version_request
from nova.api.openstack.compute import routes

KINDS = (
    ("request_body", "request_body_schemas"),
    ("query", "request_query_schemas"),
    ("response", "response_body_schemas"),
)


def version_text(v):
    """An APIVersionRequest (or a string, or None) as "2.47" or None."""
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if v.is_null():
        return None
    return v.get_string()


def schemas_of(func):
    out = {}
    for kind, attr in KINDS:
        holder = getattr(func, attr, None)
        if holder is None:
            continue
        out[kind] = [
            {
                "min": version_text(lo),
                "max": version_text(hi),
                "schema": schema,
            }
            for schema, lo, hi in holder._schemas
        ]
    return out


def entry(method, path, cls, name, func, action=None):
    return {
        "method": method,
        "path": path,
        "action": action,
        "controller": f"{cls.__module__}.{cls.__name__}.{name}",
        "min_version": version_text(getattr(func, "min_version", None)),
        "max_version": version_text(getattr(func, "max_version", None)),
        "removed": bool(getattr(func, "removed", False)),
        "schemas": schemas_of(func),
    }


def controller_classes(factory):
    """The main controller class and the action controller classes of a route's factory
    (a functools.partial of routes._create_controller)."""
    main, extra = factory.args
    return main, list(extra)


def main():
    out = []
    for path, methods in routes.ROUTE_LIST:
        if isinstance(methods, str):  # a redirection
            continue
        for method, (factory, name) in methods.items():
            main_cls, action_classes = controller_classes(factory)
            func = getattr(main_cls, name, None)
            if func is not None:
                out.append(entry(method, path, main_cls, name, func))
            if name != "action" and func is not None:
                continue
            # Body-dispatched actions: every action key of the controller and of its action
            # controllers (wsgi.Resource registers them in this order, later ones winning).
            actions = {}
            for cls in [main_cls] + action_classes:
                for key, meth in getattr(cls, "wsgi_actions", {}).items():
                    actions[key] = (cls, meth)
            for key, (cls, meth) in sorted(actions.items()):
                out.append(
                    entry(method, path, cls, meth, getattr(cls, meth), action=key)
                )
    doc = {
        "min_microversion": api_version_request._MIN_API_VERSION,
        "max_microversion": api_version_request._MAX_API_VERSION,
        "routes": out,
    }
    json.dump(doc, sys.stdout, indent=1, sort_keys=True, default=repr)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
