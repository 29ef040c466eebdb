import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import DivisionFactory, UserFactory
from tracker import services, two_factor


@pytest.fixture(autouse=True)
def default_language_after():
    yield
    # LocaleMiddleware activates the reader's language in this thread and nothing deactivates it:
    # after a request in Japanese, the tests that follow would read Japanese messages.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def two_factor_as_deployed(request, monkeypatch, settings):
    """@pytest.mark.two_factor: two-factor log-in as deployed (managers and admins must enrol,
    a user with a device gives it after the password). Without the mark, a log-in (the form's or
    `force_login`) owes no second step, even for a user with a device: the suite's many log-ins
    are not about it."""
    if request.node.get_closest_marker("two_factor"):
        settings.TWO_FACTOR_REQUIRED_ROLES = ["Manager", "admin"]
    else:
        monkeypatch.setattr(two_factor, "login_step", lambda user: two_factor.NONE)


@pytest.fixture
def division(db):
    return DivisionFactory(code="first-north-america", name="First North America Division")


@pytest.fixture
def other_division(db):
    return DivisionFactory(code="second-north-america", name="Second North America Division")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", roles=["Manager"])


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", roles=["Viewer"])


@pytest.fixture
def editor(db, division):
    return UserFactory(username="editor", roles=["Editor"], divisions=[division])


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as `editor`."""
    client.force_login(editor)
    return client


@pytest.fixture
def other_editor(db, other_division):
    return UserFactory(username="other-editor", roles=["Editor"], divisions=[other_division])


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk", is_staff=True, roles=["Data entry"])


@pytest.fixture
def spy_service(monkeypatch):
    """`spy_service("meeting_edit")` lists the keyword arguments of each call of that service,
    which still runs: the doors call it through the `tracker.services` package."""

    def spy(name: str) -> list[dict]:
        calls, original = [], getattr(services, name)

        def recorded(**kwargs):
            calls.append(kwargs)
            return original(**kwargs)

        monkeypatch.setattr(services, name, recorded)
        return calls

    return spy
