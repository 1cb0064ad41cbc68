"""Helpers for the API tests: a Bearer-token client and the error-body check."""

from django.test import Client
from knox.models import AuthToken


class ApiClient:
    """Calls /v1 with `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, user=None, token=None):
        self.client = Client()
        self.headers = {}
        if user is not None and token is None:
            _instance, token = AuthToken.objects.create(user=user)
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method, path, body=None, raw=None, headers=None, **extra):
        kwargs = {"headers": {**self.headers, **(headers or {})}, **extra}
        if raw is not None:
            kwargs.update(data=raw, content_type="application/json")
        elif body is not None:
            kwargs.update(data=body, content_type="application/json")
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path, **kwargs):
        return self._call("get", path, **kwargs)

    def head(self, path, **kwargs):
        return self._call("head", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self._call("post", path, body=body, **kwargs)

    def patch(self, path, body=None, **kwargs):
        return self._call("patch", path, body=body, **kwargs)


def assert_error(response, status, code, error_name=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "description", "errorName"}, body
    if code is not None:
        assert body["code"] == code, body
    assert isinstance(body["code"], int)
    assert isinstance(body["description"], str) and body["description"]
    if error_name is not None:
        assert body["errorName"] == error_name, body
    return body
