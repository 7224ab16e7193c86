import pytest

from tests.grid.events.helpers import make_place


@pytest.fixture
def place(db):
    return make_place()
