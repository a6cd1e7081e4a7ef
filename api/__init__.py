"""The register API for provider systems (issue 11 item 8): per-person tokens, the bearer-token
authentication that runs each request inside its membership's tenant scope, the REST framework
and OpenAPI configuration, and the URLs under /api/v1/. Domain endpoints live in their apps
(attendance/api.py); this app only composes them."""
