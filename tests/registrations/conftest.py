import pytest

from tests.factories import ConferenceFactory, WorkshopPhaseFactory, discussion_phases


@pytest.fixture
def phase():
    """The second phase ("Praxis") of a conference with 50 places: participants choose one workshop."""
    return WorkshopPhaseFactory(conference=ConferenceFactory(places=50), number=2, title="Praxis")


@pytest.fixture
def group_phases(conference):
    """Two phases in discussion groups of the module's conference (see discussion_phases)."""
    return discussion_phases(conference)
