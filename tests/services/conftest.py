"""The API fixtures (a client, a tenant) for service tests that set data up through the API."""

from tests.api.conftest import client, tenant

__all__ = ["client", "tenant"]
