"""Length limits of free text: every door refuses an over-long value with a message, saves nothing.

A 2 MB next step once made the weekly PDF time out. The limits are on the model fields (so that
ModelForms and the admin get them), as validators (TextField's max_length alone is not checked by
full_clean, which every service calls) and on the workspace's plain forms.
"""

import csv
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.admin_forms import admin_post_data
from tests.factories import CommitmentFactory, MeetingFactory, UserFactory
from tracker import report as reports
from tracker import services
from tracker.forms import FollowUpForm, ReassignForm, StatusUpdateForm
from tracker.models import (
    Commitment,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    Status,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# The limits, in characters (not bytes: Japanese text counts as much as English).
LIMITS = [
    (Commitment, "title", 200),
    (Commitment, "quote", 5_000),
    (Commitment, "next_step", 2_000),
    (Commitment, "target_date_reason", 300),
    (FollowUp, "note", 5_000),
    (FollowUp, "quote", 5_000),
    (StatusUpdate, "note", 5_000),
    (StatusUpdate, "evidence_url", 500),
    (Meeting, "title", 300),
    (Meeting, "place", 200),
    (Meeting, "summary", 5_000),
    (Meeting, "notes", 5_000),
    (Meeting, "readout_text", 200_000),
    (Meeting, "source_url", 500),
    (MeetingSeries, "name", 200),
    (MeetingSeries, "description", 5_000),
    (Participation, "title", 250),
    (Person, "family_name", 100),
    (Person, "given_name", 100),
]
MESSAGE = "Ensure this value has at most {limit} characters (it has {length})."


def _too_long(limit: int) -> str:
    # Japanese, a control character and a line break, as pasted: still one character each.
    return ("次の措置\x0b\n" * limit)[: limit + 1]


def _models():
    return [
        model
        for model in apps.get_app_config("tracker").get_models()
        if not model.__name__.startswith("Historical")
    ]


@pytest.mark.parametrize(
    ("model", "name", "limit"), LIMITS, ids=lambda v: getattr(v, "__name__", str(v))
)
def test_free_text_fields_have_their_limit_checked_by_full_clean(model, name, limit):
    field = model._meta.get_field(name)
    assert field.max_length == limit
    assert any(
        isinstance(v, MaxLengthValidator) and v.limit_value == limit for v in field.validators
    )


def test_every_text_field_of_the_models_has_a_limit():
    for model in _models():
        for field in model._meta.get_fields():
            # A field no form edits is derived from limited ones (the search document).
            if isinstance(field, models.CharField | models.TextField) and field.editable:
                label = f"{model.__name__}.{field.name}"
                assert field.max_length, label
                assert any(isinstance(v, MaxLengthValidator) for v in field.validators), label


def test_workspace_forms_have_the_models_limits():
    commitment = CommitmentFactory()
    update = StatusUpdateForm(commitment=commitment)
    assert update.fields["next_step"].max_length == 2_000
    assert update.fields["target_date_reason"].max_length == 300
    assert update.fields["note"].max_length == 5_000
    assert update.fields["evidence_url"].max_length == 500
    follow_up = FollowUpForm()
    assert follow_up.fields["note"].max_length == 5_000
    assert follow_up.fields["quote"].max_length == 5_000
    assert ReassignForm().fields["note"].max_length <= 5_000
    # The browser stops the typing at the limit, before any request.
    assert 'maxlength="2000"' in str(update["next_step"])


# The workspace --------------------------------------------------------------------------------


def _update(client, commitment, **fields):
    data = {
        "status": commitment.status,
        "confidence": commitment.confidence,
        "loaded_version": commitment.version,
        **fields,
    }
    return client.post(reverse("commitment-update", args=[commitment.pk]), data)


@pytest.mark.parametrize(("name", "limit"), [("next_step", 2_000), ("note", 5_000)])
def test_workspace_update_refuses_an_over_long_text_and_saves_nothing(client, manager, name, limit):
    commitment = CommitmentFactory()
    entries = commitment.status_updates.count()
    client.force_login(manager)
    response = _update(client, commitment, **{name: _too_long(limit)})
    assert response.status_code == 200
    assert MESSAGE.format(limit=limit, length=limit + 1) in response.text
    commitment.refresh_from_db()
    assert (commitment.version, commitment.next_step) == (1, "")
    assert commitment.status_updates.count() == entries


def test_workspace_update_takes_a_text_at_the_limit(client, manager):
    commitment = CommitmentFactory()
    client.force_login(manager)
    at_limit = _too_long(2_000)[:2_000]
    response = _update(client, commitment, next_step=at_limit, note="Pasted from the minutes.")
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.next_step == at_limit.strip()


def test_follow_up_form_refuses_an_over_long_note_and_saves_nothing(client, manager):
    commitment = CommitmentFactory()
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at)
    client.force_login(manager)
    response = client.post(
        reverse("followup-create", args=[commitment.pk]),
        {"meeting": later.pk, "outcome": "reaffirmed", "note": "Fine.", "quote": _too_long(5_000)},
    )
    assert response.status_code == 200
    assert MESSAGE.format(limit=5_000, length=5_001) in response.text
    assert not FollowUp.objects.exists()


# The admin site -------------------------------------------------------------------------------


def test_admin_change_form_refuses_an_over_long_next_step_and_saves_nothing(client, admin_user):
    commitment = CommitmentFactory(next_step="Ask Tokyo.")
    client.force_login(admin_user)
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = admin_post_data(client.get(url))
    data["next_step"] = _too_long(2_000)
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE.format(limit=2_000, length=2_001) in response.text
    commitment.refresh_from_db()
    assert (commitment.next_step, commitment.version) == ("Ask Tokyo.", 1)
    assert commitment.history.count() == 1
    # The same page, with the text cut to the limit, saves.
    data["next_step"] = data["next_step"][:2_000]
    assert client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert len(commitment.next_step) == 2_000


def test_admin_meeting_form_refuses_an_over_long_readout(client, admin_user):
    meeting = MeetingFactory(readout_text="The two ministers met.")
    client.force_login(admin_user)
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    data = admin_post_data(client.get(url))
    data["readout_text"] = "x" * 200_001
    data["summary"] = "y" * 5_001
    response = client.post(url, data)
    assert response.status_code == 200
    assert MESSAGE.format(limit=200_000, length=200_001) in response.text
    assert MESSAGE.format(limit=5_000, length=5_001) in response.text
    meeting.refresh_from_db()
    assert (meeting.readout_text, meeting.summary) == ("The two ministers met.", "")


# The services ---------------------------------------------------------------------------------


def test_service_refuses_an_over_long_next_step_and_writes_no_journal_entry(manager):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refusal:
        services.commitment_set_status(
            commitment=commitment,
            user=manager,
            status=Status.IN_PROGRESS,
            note="Started.",
            fields={"next_step": _too_long(2_000)},
            expected_version=commitment.version,
        )
    assert refusal.value.message_dict["next_step"] == [MESSAGE.format(limit=2_000, length=2_001)]
    commitment.refresh_from_db()
    assert (commitment.status, commitment.version, commitment.next_step) == (
        Status.NOT_STARTED,
        1,
        "",
    )
    assert commitment.status_updates.count() == 1


def test_service_refuses_an_over_long_journal_note(manager):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refusal:
        services.commitment_set_status(
            commitment=commitment,
            user=manager,
            status=Status.STALLED,
            note=_too_long(5_000),
            expected_version=commitment.version,
        )
    assert MESSAGE.format(limit=5_000, length=5_001) in refusal.value.message_dict["note"]
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_STARTED
    assert commitment.status_updates.count() == 1


def test_service_refuses_an_over_long_quote_and_creates_nothing():
    user = UserFactory(roles=["Manager"])
    meeting = MeetingFactory()
    with pytest.raises(ValidationError) as refusal:
        services.commitment_create(
            user=user, origin_meeting=meeting, title="Too long a quote", quote="q" * 5_001
        )
    assert refusal.value.message_dict["quote"] == [MESSAGE.format(limit=5_000, length=5_001)]
    assert not Commitment.objects.exists()
    assert not StatusUpdate.objects.exists()


def test_service_refuses_an_over_long_follow_up_note(manager):
    commitment = CommitmentFactory()
    later = MeetingFactory(starts_at=commitment.origin_meeting.starts_at)
    with pytest.raises(ValidationError) as refusal:
        services.followup_record(
            commitment=commitment,
            meeting=later,
            user=manager,
            outcome="reaffirmed",
            note=_too_long(5_000),
        )
    assert refusal.value.message_dict["note"] == [MESSAGE.format(limit=5_000, length=5_001)]
    assert not FollowUp.objects.exists()


# The demo data --------------------------------------------------------------------------------


def test_the_seed_readout_fits_the_limits():
    """The demo's data files are written through the services, whose full_clean refuses a value
    over its limit (tests/test_demo.py builds the demo); the readouts are read as files."""
    readouts = list((FIXTURES / "readouts").glob("*.txt"))
    assert readouts
    for readout in readouts:
        text = readout.read_text(encoding="utf-8")
        assert len(text) <= Meeting._meta.get_field("readout_text").max_length


# Text stored before the limits ----------------------------------------------------------------


def test_text_stored_before_the_limits_is_cut_in_the_pdf_and_the_xlsx(db):
    """A database may still hold a next step of 2 MB from before the limits: the PDF (which took
    9.7 s for 200 KB) cuts it to a paragraph, the XLSX to what a spreadsheet cell can hold."""
    commitment = CommitmentFactory(title="Hold a 2+2 early next year")
    legacy = "Consult the allies again. " * 12_000  # 312,000 characters
    # Written around the validation, as rows from before the limits are; the report reads the
    # change history.
    Commitment.objects.filter(pk=commitment.pk).update(next_step=legacy)
    Commitment.history.filter(id=commitment.pk).update(next_step=legacy)
    report = reports.build_report(week=reports.week_label(timezone.localdate()))
    assert report.open_rows[0].next_step == legacy

    pdf = PdfReader(io.BytesIO(reports.render_pdf(report)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) <= 4
    assert "Consult the allies again." in text
    assert "cut here" in text and "the XLSX has them in full" in text

    sheet = load_workbook(io.BytesIO(reports.render_xlsx(report)))["Open commitments"]
    [row] = sheet.iter_rows(min_row=2, values_only=True)
    assert len(row[10]) == reports.XLSX_CELL_LIMIT
    assert row[10].endswith("…") and legacy.startswith(row[10][:-1])
    # The CSV is opened in the same spreadsheets.
    [_header, line] = csv.reader(io.StringIO(b"".join(reports.iter_csv(report)).decode()))
    assert line[10] == row[10]
