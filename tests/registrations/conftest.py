import pytest

from tests.factories import ConferenceFactory, WorkshopPhaseFactory


@pytest.fixture
def phase():
    """The second phase ("Praxis") of a conference with 50 places: participants choose one workshop."""
    return WorkshopPhaseFactory(conference=ConferenceFactory(places=50), number=2, title="Praxis")
