import pytest

from gongkai import file_reading


@pytest.fixture
def inflated(monkeypatch):
    """The most bytes any ZipPackage inflated during the test (every ZIP is read through one)."""
    seen = {"max": 0, "packages": 0}
    original_init, original_count = file_reading.ZipPackage.__init__, file_reading.ZipPackage.count

    def init(self, *args, **kwargs):
        seen["packages"] += 1
        original_init(self, *args, **kwargs)

    def count(self, size):
        try:
            original_count(self, size)
        finally:
            seen["max"] = max(seen["max"], self.inflated)

    monkeypatch.setattr(file_reading.ZipPackage, "__init__", init)
    monkeypatch.setattr(file_reading.ZipPackage, "count", count)
    return seen
