"""The suite's own rules: what is missing skips a test here and fails it under CI."""

import pytest

from tests import conftest


def test_a_missing_tool_skips_here_and_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="nginx is not installed"):
        conftest.unavailable("nginx is not installed")
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="nginx is not installed .*CI=true"):
        conftest.unavailable("nginx is not installed")
