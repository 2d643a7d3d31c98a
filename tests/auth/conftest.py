"""Throwaway keys: the session key that signs good tokens, and strangers' keys."""

import pytest

from service.auth import devkeys
from service.auth.devkeys import SigningKey
from service.auth.tokens import TokenVerifier
from tests.auth.tokens import session_key, verifier_for


@pytest.fixture
def key() -> SigningKey:
    return session_key()


@pytest.fixture(scope="session")
def rsa_key() -> SigningKey:
    return devkeys.generate("RSA")


@pytest.fixture(scope="session")
def other_key() -> SigningKey:
    return devkeys.generate("EC")


@pytest.fixture
def verifier() -> TokenVerifier:
    return verifier_for()
