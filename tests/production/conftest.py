"""Fixtures of this folder's tests."""

from ..helpers import fast_password_hashing  # noqa: F401 (autouse fixture)
