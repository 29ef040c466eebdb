"""factory-boy factories: tests build the data they need, nothing is shared through fixtures."""

import datetime
import zoneinfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from tracker import models, services
from tracker.permissions import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get_or_create(name=Role(role).value)[0])

    @factory.post_generation
    def divisions(self, create, extracted, **kwargs):
        for division in extracted or ():
            division.members.add(self)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.LazyAttribute(lambda c: f"Country {c.code}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.LazyAttribute(lambda t: t.code.replace("-", " ").title())


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Division
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"division-{n}")
    name = factory.LazyAttribute(lambda d: f"Division {d.code}")


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MeetingSeries
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Consultative Committee {n}")
    kind = models.MeetingKind.SECURITY_2PLUS2


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meeting

    title = factory.Sequence(lambda n: f"Japan-U.S. Foreign Ministers' Meeting {n}")
    kind = models.MeetingKind.FOREIGN_MINISTERS
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    time_zone = "Asia/Tokyo"
    duration_minutes = 45
    place = "Tokyo"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = "Given"
    country = factory.SubFactory(CountryFactory, code="JP", name="Japan")


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Participation

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    title = "Minister for Foreign Affairs of Japan"
    side = factory.SelfAttribute("person.country")


class CommitmentFactory(factory.django.DjangoModelFactory):
    """Creates through the service, so every commitment has its opening journal entry."""

    class Meta:
        model = models.Commitment

    origin_meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Implement agreed action {n}")
    quote = factory.LazyAttribute(lambda c: f"The two ministers concurred to {c.title.lower()}.")
    strength = models.Strength.JOINT
    lead_division = factory.SubFactory(DivisionFactory)
    owner = None
    status = models.Status.NOT_STARTED
    confidence = models.Confidence.GREEN

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        author = kwargs.pop("author", None) or UserFactory(username="recorder")
        themes = kwargs.pop("themes", ())
        parties = kwargs.pop("parties", ())
        return services.commitment_create(user=author, themes=themes, parties=parties, **kwargs)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FollowUp

    commitment = factory.SubFactory(CommitmentFactory)
    meeting = factory.SubFactory(
        MeetingFactory, starts_at=factory.LazyFunction(lambda: timezone.now())
    )
    outcome = models.FollowUpOutcome.REAFFIRMED
    note = "Reaffirmed at the meeting."


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    """A raw journal entry, for tests that need a history; real moves go through the service."""

    class Meta:
        model = models.StatusUpdate

    commitment = factory.SubFactory(CommitmentFactory)
    author = factory.SubFactory(UserFactory)
    status_from = models.Status.NOT_STARTED
    status_to = models.Status.IN_PROGRESS
    confidence_from = models.Confidence.GREEN
    confidence_to = models.Confidence.GREEN
    note = "Work began."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Keep the commitment's last update time as the journal service would.
        entry = super()._create(model_class, *args, **kwargs)
        models.Commitment.objects.filter(pk=entry.commitment_id).filter(
            Q(last_update_at__isnull=True) | Q(last_update_at__lt=entry.created_at)
        ).update(last_update_at=entry.created_at)
        return entry


def aware(value: str, zone: str = "Asia/Tokyo") -> datetime.datetime:
    """`aware("2022-07-29 13:43", "America/New_York")`: a local time made aware in its zone."""
    return datetime.datetime.fromisoformat(value).replace(tzinfo=zoneinfo.ZoneInfo(zone))


# Weekly report ------------------------------------------------------------------------------------


def _sha256(content: bytes) -> str:
    # Imported here because this section is appended after the module's own imports.
    import hashlib

    return hashlib.sha256(content).hexdigest()


class IssuedReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IssuedReport

    issued_by = None
    week = "2026-W48"


class IssuedReportFileFactory(factory.django.DjangoModelFactory):
    """A stored file whose checksum and size match its content."""

    class Meta:
        model = models.IssuedReportFile

    report = factory.SubFactory(IssuedReportFactory)
    format = models.ReportFormat.CSV
    content = b"\xef\xbb\xbfID,Title\r\n"
    sha256 = factory.LazyAttribute(lambda f: _sha256(f.content))
    size = factory.LazyAttribute(lambda f: len(f.content))


# Passkeys -----------------------------------------------------------------------------------------


class PasskeyFactory(factory.django.DjangoModelFactory):
    """A registered passkey (django-otp-webauthn's credential) with made-up key bytes: enough
    for the lists and the removal; a test that signs with it makes its own key."""

    class Meta:
        model = "django_otp_webauthn.WebAuthnCredential"

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Passkey {n}")
    confirmed = True
    credential_id = factory.Sequence(lambda n: f"credential-{n}".encode())
    public_key = b"not-a-real-key"
    aaguid = "00000000-0000-0000-0000-000000000000"
