"""The hostile-input corpus reuses the apps' own fixtures."""

from tests.certificates.conftest import (  # noqa: F401
    completion,
    course,
    enrol,
    issuers,
    template,
)
