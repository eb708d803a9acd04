"""Every route path, defined once: routes, middleware, OpenAPI tweaks and metrics all use these."""

from __future__ import annotations

RECOMMENDATIONS = "/v1/recommendations"
EVENTS = "/v1/events"
ADMIN_PREFIX = "/v1/admin"
HEALTHZ = "/healthz"
READYZ = "/readyz"
METRICS = "/metrics"
WIDGET_JS = "/widget.js"
DEMO_PREFIX = "/demo"
