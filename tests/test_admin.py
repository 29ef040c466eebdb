import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_forms import add_inline_row, admin_post_data, inline_prefix
from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    DivisionFactory,
    FollowUpFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ParticipationFactory,
    PersonFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker import services
from tracker.models import (
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    Status,
    StatusUpdate,
    Theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def one_of_each(db):
    follow_up = FollowUpFactory()
    ParticipationFactory(meeting=follow_up.meeting)
    MeetingSeriesFactory()
    ThemeFactory()
    return follow_up


MODELS = [
    Commitment,
    Country,
    Division,
    FollowUp,
    Meeting,
    MeetingSeries,
    Participation,
    Person,
    StatusUpdate,
    Theme,
    get_user_model(),
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_admin_pages_open_for_every_model(admin_client, one_of_each, model):
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    assert admin_client.get(reverse(f"{prefix}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"{prefix}_add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200


def test_history_pages_open(admin_client, one_of_each):
    commitment = Commitment.objects.first()
    url = reverse("admin:tracker_commitment_history", args=[commitment.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert commitment.title in response.text


def test_meeting_admin_shows_local_and_japan_time(admin_client):
    meeting = MeetingFactory(
        title="Seed meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
    )
    response = admin_client.get(reverse("admin:tracker_meeting_changelist"))
    assert "July 29, 2022, 1:43 p.m." in response.text
    assert "July 30, 2022, 2:43 a.m." in response.text
    change = admin_client.get(reverse("admin:tracker_meeting_change", args=[meeting.pk]))
    assert "America/New_York" in change.text


def test_commitment_changelist_query_count_is_pinned(admin_client, django_assert_num_queries):
    changelist = reverse("admin:tracker_commitment_changelist")
    CommitmentFactory.create_batch(5, owner=UserFactory(), lead_division=DivisionFactory())
    admin_client.get(changelist)  # warm the per-process caches (content types, site)
    with django_assert_num_queries(COMMITMENT_CHANGELIST_QUERIES):
        assert admin_client.get(changelist).status_code == 200
    for _ in range(45):
        CommitmentFactory(owner=UserFactory(), lead_division=DivisionFactory())
    with django_assert_num_queries(COMMITMENT_CHANGELIST_QUERIES):
        response = admin_client.get(changelist)
    assert response.context["cl"].result_count == 50


# Session, user, counts, the page of rows and the sidebar filters' choices; not one per row.
COMMITMENT_CHANGELIST_QUERIES = 10


def test_meeting_changelist_query_count_does_not_grow(admin_client):
    series = MeetingSeriesFactory()
    MeetingFactory.create_batch(5, series=series)
    admin_client.get(reverse("admin:tracker_meeting_changelist"))
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:tracker_meeting_changelist"))
    MeetingFactory.create_batch(45, series=MeetingSeriesFactory())
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("admin:tracker_meeting_changelist"))
    assert len(many) == len(few)


def _select_action(admin_client, action, commitments, **extra):
    return admin_client.post(
        reverse("admin:tracker_commitment_changelist"),
        {"action": action, "_selected_action": [c.pk for c in commitments], **extra},
        follow=True,
    )


def test_action_set_status_asks_then_applies_with_journal(admin_client, admin_user):
    commitments = CommitmentFactory.create_batch(2, status=Status.IN_PROGRESS)
    page = _select_action(admin_client, "set_status", commitments)
    assert "Change status of the selected commitments" in page.text
    _select_action(
        admin_client, "set_status", commitments, apply="1", status="stalled", note="Budget frozen."
    )
    for commitment in commitments:
        commitment.refresh_from_db()
        assert commitment.status == Status.STALLED
        entry = commitment.status_updates.latest()
        assert (entry.note, entry.author) == ("Budget frozen.", admin_user)


def test_action_set_status_refusal_changes_nothing(admin_client):
    open_one = CommitmentFactory(status=Status.IN_PROGRESS)
    closed = CommitmentFactory(status=Status.DROPPED, title="Closed item")
    response = _select_action(
        admin_client, "set_status", [open_one, closed], apply="1", status="stalled", note="x"
    )
    assert "Nothing was changed" in response.text
    assert "Closed item" in response.text
    open_one.refresh_from_db()
    assert open_one.status == Status.IN_PROGRESS


def test_action_reassign_owner(admin_client):
    new_owner = UserFactory(username="sato")
    commitments = CommitmentFactory.create_batch(3)
    _select_action(admin_client, "reassign_owner", commitments, apply="1", owner=new_owner.pk)
    assert set(Commitment.objects.values_list("owner__username", flat=True)) == {"sato"}
    assert all(c.status_updates.count() == 2 for c in Commitment.objects.all())


def test_the_reassign_action_names_each_user_by_name_and_log_in(admin_client):
    """The picker's rows are read as tuples (first name, last name, log-in) and labelled as the
    admin's pickers label a user; a user without a name is shown by log-in alone, once."""
    UserFactory(username="htanaka", first_name="Haruka", last_name="<Tanaka>")
    UserFactory(username="nameless", first_name="", last_name="")
    page = _select_action(admin_client, "reassign_owner", CommitmentFactory.create_batch(1))
    options = re.search(r'<select name="owner".*?</select>', page.text, re.S)[0]
    assert ">Haruka &lt;Tanaka&gt; (htanaka)</option>" in options
    assert ">nameless</option>" in options


def test_reassign_is_refused_to_a_data_entry_clerk(client, clerk):
    client.force_login(clerk)
    owner = UserFactory(username="owner")
    commitment = CommitmentFactory(owner=owner)
    response = _select_action(client, "reassign_owner", [commitment], apply="1", owner="")
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.owner == owner


def test_admin_change_status_needs_a_note_and_writes_journal(admin_client, admin_user):
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    data = _change_form_data(commitment, status="completed")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "needs a note" in response.text
    data["journal_note"] = "Delivered at the 2+2."
    response = admin_client.post(url, data)
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.COMPLETED
    assert commitment.status_updates.latest().note == "Delivered at the 2+2."


def test_admin_refuses_a_stale_change_form(admin_client, manager):
    commitment = CommitmentFactory()
    data = _change_form_data(commitment, next_step="Mine")
    services.commitment_set_status(
        commitment=commitment,
        expected_version=commitment.version,
        user=manager,
        status="in_progress",
        note="Theirs",
    )
    url = reverse("admin:tracker_commitment_change", args=[commitment.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this commitment" in response.text
    commitment.refresh_from_db()
    assert commitment.next_step == ""


def test_admin_add_commitment_opens_journal(admin_client, admin_user):
    meeting = MeetingFactory()
    data = {
        "origin_meeting": meeting.pk,
        "title": "Strengthen deterrence",
        "quote": "The two ministers concurred to strengthen deterrence.",
        "strength": "joint",
        "status": "not_started",
        "confidence": "green",
        **_empty_inlines(),
    }
    response = admin_client.post(reverse("admin:tracker_commitment_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    commitment = Commitment.objects.get(title="Strengthen deterrence")
    assert commitment.status_updates.get().author == admin_user


def test_admin_add_status_update_goes_through_the_service(admin_client):
    commitment = CommitmentFactory()
    url = reverse("admin:tracker_statusupdate_add")
    response = admin_client.post(
        url, {"commitment": commitment.pk, "status_to": "dropped", "confidence_to": "green"}
    )
    assert response.status_code == 200
    assert "needs a note" in response.text
    response = admin_client.post(
        url,
        {
            "commitment": commitment.pk,
            "status_to": "in_progress",
            "confidence_to": "amber",
            "note": "Started.",
        },
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.status, commitment.confidence, commitment.version) == (
        "in_progress",
        "amber",
        2,
    )


def test_status_update_change_page_is_read_only(admin_client):
    entry = CommitmentFactory().status_updates.get()
    url = reverse("admin:tracker_statusupdate_change", args=[entry.pk])
    response = admin_client.post(url, {"note": "rewritten"})
    assert response.status_code == 403


def test_editor_without_staff_cannot_open_admin(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:tracker_commitment_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def _empty_inlines() -> dict:
    return {
        f"{prefix}-{key}": value
        for prefix in ("follow_ups", "status_updates")
        for key, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def _change_form_data(commitment: Commitment, **overrides) -> dict:
    data = {
        "origin_meeting": commitment.origin_meeting_id,
        "title": commitment.title,
        "quote": commitment.quote,
        "strength": commitment.strength,
        "status": commitment.status,
        "confidence": commitment.confidence,
        "lead_division": commitment.lead_division_id or "",
        "next_step": commitment.next_step,
        "loaded_version": commitment.version,
        "journal_note": "",
        **_empty_inlines(),
    }
    data["status_updates-TOTAL_FORMS"] = data["status_updates-INITIAL_FORMS"] = str(
        commitment.status_updates.count()
    )
    for index, entry in enumerate(commitment.status_updates.all()):
        data[f"status_updates-{index}-id"] = entry.pk
        data[f"status_updates-{index}-commitment"] = commitment.pk
    data.update(overrides)
    return data


# A conflict names who saved, when, and the notes they added ---------------------------------------


def _change_url(commitment) -> str:
    return reverse("admin:tracker_commitment_change", args=[commitment.pk])


def test_admin_conflict_names_who_saved_when_and_the_note_they_added(admin_client):
    mori = UserFactory(username="mori", first_name="Kenji", last_name="Mori", roles=["Manager"])
    commitment = CommitmentFactory(next_step="Before")
    data = admin_post_data(admin_client.get(_change_url(commitment)))
    services.commitment_set_status(
        commitment=commitment,
        user=mori,
        status=Status.STALLED,
        note="Partners <b>disagree</b> on the price cap.",
        expected_version=commitment.version,
    )
    data["next_step"] = "Mine"
    response = admin_client.post(_change_url(commitment), data)
    assert response.status_code == 200
    text = response.text
    assert "Someone else saved this commitment while you were editing it: Kenji Mori, " in text
    assert "you, in another tab" not in text
    assert "Note added: “Partners &lt;b&gt;disagree&lt;/b&gt; on the price cap.” — Kenji Mori" in (
        text
    )
    assert "Status was “Not started” when you opened it and is now “Stalled”." in text
    commitment.refresh_from_db()
    assert commitment.next_step == "Before"


def test_admin_conflict_with_your_own_other_tab_says_so(admin_client):
    commitment = CommitmentFactory(title="One title")
    first_tab = admin_post_data(admin_client.get(_change_url(commitment)))
    second_tab = dict(first_tab)
    first_tab["title"] = "Saved in the first tab"
    assert admin_client.post(_change_url(commitment), first_tab).status_code == 302
    second_tab["next_step"] = "Typed in the second tab"
    response = admin_client.post(_change_url(commitment), second_tab)
    assert response.status_code == 200
    assert "You saved this commitment in another tab or window" in response.text
    assert "Someone else" not in response.text
    assert "Saved in the first tab" in response.text  # what that save changed, named
    commitment.refresh_from_db()
    assert (commitment.title, commitment.next_step) == ("Saved in the first tab", "")


# Issue 13: data entry without friction ------------------------------------------------------------

READOUT = (
    "The two ministers confirmed their commitment to strong sanctions. "
    "The two ministers welcomed the dialogue. "
    "The two ministers welcomed the dialogue."
)


def _add_commitment(admin_client, meeting, **fields):
    data = {
        "origin_meeting": meeting.pk,
        "title": "Sanctions",
        "quote": "The two ministers confirmed their commitment to strong sanctions.",
        "strength": "joint",
        "status": "not_started",
        "confidence": "green",
        **_empty_inlines(),
        **fields,
    }
    return admin_client.post(reverse("admin:tracker_commitment_add"), data, follow=True)


def test_quote_position_is_found_in_the_readout(admin_client):
    meeting = MeetingFactory(readout_text=READOUT)
    response = _add_commitment(admin_client, meeting, quote_position="")
    assert response.redirect_chain, response.context["adminform"].form.errors
    assert Commitment.objects.get().quote_position == 0
    # A quote with spaces around it is the same quote.
    _add_commitment(admin_client, meeting, title="Again", quote="  strong sanctions.\n")
    assert Commitment.objects.get(title="Again").quote_position == READOUT.index("strong")


def test_ambiguous_quote_asks_for_its_position_and_loses_nothing(admin_client):
    meeting = MeetingFactory(readout_text=READOUT)
    quote = "The two ministers welcomed the dialogue."
    first, second = READOUT.index(quote), READOUT.rindex(quote)
    response = _add_commitment(admin_client, meeting, title="Dialogue", quote=quote)
    assert not response.redirect_chain
    assert f"occurs more than once in the meeting’s readout (at characters {first}, {second})" in (
        response.text
    )
    assert 'value="Dialogue"' in response.text  # what was typed is kept
    assert not Commitment.objects.exists()
    # A position that is not where the quote is counts as no answer.
    response = _add_commitment(admin_client, meeting, quote=quote, quote_position=str(first + 1))
    assert not Commitment.objects.exists()
    response = _add_commitment(admin_client, meeting, quote=quote, quote_position=str(second))
    assert response.redirect_chain
    assert Commitment.objects.get().quote_position == second


def test_quote_not_in_the_readout_is_saved_without_a_position_and_warned(admin_client):
    meeting = MeetingFactory(readout_text=READOUT)
    response = _add_commitment(
        admin_client,
        meeting,
        title="Paraphrase",
        quote="They agreed on sanctions.",
        quote_position="5",
    )
    assert response.redirect_chain
    assert "was not found word for word in the meeting’s readout" in response.text
    assert Commitment.objects.get().quote_position is None


@pytest.mark.parametrize(
    ("quote", "position", "readout"),
    [
        ("\x00 sanctions", "", READOUT),
        ("sanctions", "-3", READOUT),
        ("x" * 6000, "", READOUT),
        ("sanctions", "99999999999999999999", ""),  # no readout to correct it from
        ("sanctions\x1b[2J", "", READOUT),
    ],
)
def test_hostile_quote_or_position_is_a_form_error_not_a_crash(
    admin_client, quote, position, readout
):
    meeting = MeetingFactory(readout_text=readout)
    response = _add_commitment(admin_client, meeting, quote=quote, quote_position=position)
    assert response.status_code == 200
    if response.redirect_chain:
        # Saved: then only with the quote's real position, or none.
        assert Commitment.objects.get().quote_position in (None, READOUT.index("sanctions"))
    else:
        assert response.context["adminform"].form.errors
        assert not Commitment.objects.exists()


@pytest.mark.parametrize("position", ["99999999999999999999", "٣", "17"])
def test_a_wrong_position_for_a_quote_found_once_is_corrected(admin_client, position):
    meeting = MeetingFactory(readout_text=READOUT)
    response = _add_commitment(admin_client, meeting, quote="sanctions.", quote_position=position)
    assert response.redirect_chain
    assert Commitment.objects.get().quote_position == READOUT.index("sanctions.")


def test_editing_the_quote_moves_its_position(admin_client):
    meeting = MeetingFactory(readout_text=READOUT)
    commitment = CommitmentFactory(
        origin_meeting=meeting, quote="strong sanctions.", quote_position=READOUT.index("strong")
    )
    data = admin_post_data(admin_client.get(_change_url(commitment)))
    data["quote"] = "The two ministers confirmed their commitment"
    assert admin_client.post(_change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.quote_position == 0
    # An unrelated edit leaves a position alone.
    data = admin_post_data(admin_client.get(_change_url(commitment)))
    data["next_step"] = "Brief the minister"
    assert admin_client.post(_change_url(commitment), data).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.quote_position, commitment.version) == (0, 3)


def test_meeting_page_finds_the_quote_in_the_readout_typed_with_it(admin_client):
    meeting = MeetingFactory()
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    data = admin_post_data(page)
    data["readout_text"] = READOUT
    add_inline_row(
        data,
        inline_prefix(page, Commitment),
        {"title": "Dialogue", "quote": "welcomed the dialogue.", "strength": "joint"},
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "occurs more than once" in response.text
    assert not Commitment.objects.exists()
    meeting.refresh_from_db()
    assert meeting.readout_text == ""  # the page's save was refused whole
    data[f"{inline_prefix(page, Commitment)}-0-quote"] = "confirmed their commitment"
    assert admin_client.post(url, data).status_code == 302
    assert Commitment.objects.get().quote_position == READOUT.index("confirmed")


def test_meeting_inline_sets_themes_parties_status_and_target_date(admin_client, admin_user):
    theme = ThemeFactory(code="russia", name="Russia/Ukraine")
    japan, g7 = CountryFactory(code="JP", name="Japan"), CountryFactory(code="G7", name="G7")
    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    meeting = commitment.origin_meeting
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    prefix = inline_prefix(page, Commitment)
    data = admin_post_data(page)
    data.update(
        {
            f"{prefix}-0-themes": [str(theme.pk)],
            f"{prefix}-0-parties": [str(japan.pk), str(g7.pk)],
            f"{prefix}-0-status": "completed",
            f"{prefix}-0-target_date": "2027-03-31",
        }
    )
    response = admin_client.post(url, data)
    # Completing needs a note: refused with the reason, nothing saved.
    assert response.status_code == 200
    assert "needs a note" in response.text
    commitment.refresh_from_db()
    assert (commitment.status, commitment.target_date) == (Status.IN_PROGRESS, None)
    data[f"{prefix}-0-journal_note"] = "Delivered at the 2+2."
    assert admin_client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == Status.COMPLETED
    assert str(commitment.target_date) == "2027-03-31"
    assert list(commitment.themes.all()) == [theme]
    assert set(commitment.parties.all()) == {japan, g7}
    entry = commitment.status_updates.latest()
    assert (entry.note, entry.author, entry.status_to) == (
        "Delivered at the 2+2.",
        admin_user,
        Status.COMPLETED,
    )
    assert commitment.version == 2  # one edit, one version


def test_meeting_inline_adds_a_commitment_with_themes_and_status(admin_client):
    theme = ThemeFactory(code="north-korea", name="North Korea")
    meeting = MeetingFactory()
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    data = admin_post_data(page)
    add_inline_row(
        data,
        inline_prefix(page, Commitment),
        {
            "title": "Denuclearisation",
            "quote": "They agreed.",
            "strength": "joint",
            "themes": [str(theme.pk)],
            "status": "ongoing",
            "journal_note": "A standing commitment from the start.",
        },
    )
    assert admin_client.post(url, data).status_code == 302
    created = meeting.commitments.get()
    assert (created.status, list(created.themes.all())) == (Status.ONGOING, [theme])
    assert created.status_updates.get().note == "A standing commitment from the start."


def test_meeting_time_zone_offers_every_zone_by_city_with_the_places_first(admin_client):
    meeting = MeetingFactory(
        place="Department of State, Washington, D.C.",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
    )
    text = admin_client.get(reverse("admin:tracker_meeting_change", args=[meeting.pk])).text
    assert 'list="id_time_zone_zones"' in text
    datalist = re.search(r'<datalist id="id_time_zone_zones">(.*?)</datalist>', text, re.S)
    options = re.findall(r'<option value="([^"]+)" label="([^"]+)">', datalist.group(1))
    assert options[0] == ("America/New_York", "Washington time (UTC−4)")
    assert ("Asia/Tokyo", "Japan time (UTC+9)") in options
    assert len(options) > 400
    assert "The usual zone for “Department of State, Washington, D.C.” is America/New_York" in text


def test_meeting_saved_in_a_zone_unlike_its_place_is_warned_and_a_bad_zone_refused(admin_client):
    meeting = MeetingFactory(place="Tokyo")
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    data = admin_post_data(admin_client.get(url))
    data["place"] = "London"
    response = admin_client.post(url, data, follow=True)
    assert "“London” is usually in Europe/London" in response.text
    for junk in ("Mars/Olympus", "Asia/Tokyo\x00", "../../etc/passwd", "x" * 500):
        data["time_zone"] = junk
        response = admin_client.post(url, data)
        assert response.status_code == 200
        meeting.refresh_from_db()
        assert meeting.time_zone == "Asia/Tokyo"


def test_bulk_status_refusal_keeps_the_selection_and_the_note(admin_client):
    open_one = CommitmentFactory(status=Status.IN_PROGRESS, title="Open item")
    closed = CommitmentFactory(status=Status.DROPPED, title="Closed item")
    response = _select_action(
        admin_client,
        "set_status",
        [open_one, closed],
        apply="1",
        status="stalled",
        note="Budget <frozen> until April.",
    )
    text = response.text
    assert "Nothing was changed" in text
    assert "Budget &lt;frozen&gt; until April." in text  # the note, still in its box
    assert '<option value="stalled" selected>' in text
    for commitment in (open_one, closed):
        assert f'name="_selected_action" value="{commitment.pk}"' in text
    # Dropping the closed one and sending the page again applies it.
    response = _select_action(
        admin_client, "set_status", [open_one], apply="1", status="stalled", note="Budget frozen."
    )
    open_one.refresh_from_db()
    assert open_one.status == Status.STALLED


def _offered_actions(client) -> list[str]:
    text = client.get(reverse("admin:tracker_commitment_changelist")).text
    select = re.search(r'<select name="action".*?</select>', text, re.S)
    return re.findall(r'<option value="(\w+)"', select.group(0)) if select else []


def test_bulk_actions_are_offered_only_to_who_may_use_them(clerk, admin_user):
    from django.test import Client

    commitment = CommitmentFactory(status=Status.IN_PROGRESS)
    client, admin_client = Client(), Client()
    client.force_login(clerk)
    admin_client.force_login(admin_user)
    assert "reassign_owner" not in _offered_actions(client)
    assert "set_status" in _offered_actions(client)
    # What the clerk is offered, the clerk may do.
    _select_action(client, "set_status", [commitment], apply="1", status="ongoing", note="")
    commitment.refresh_from_db()
    assert commitment.status == Status.ONGOING
    assert {"set_status", "reassign_owner"} <= set(_offered_actions(admin_client))


def test_make_run_prints_a_data_entry_log_in_that_works_and_the_real_address(client, monkeypatch):
    out = io.StringIO()
    call_command("load_demo", host="0.0.0.0:8765", stdout=out)
    text = out.getvalue()
    assert "http://0.0.0.0:8765/" in text and "8000" not in text
    line = next(line for line in text.splitlines() if "Data entry" in line)
    password = line.split("password:")[1].strip()
    username = line.split("user:")[1].split()[0]
    add_meeting = reverse("admin:tracker_meeting_add")
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": add_meeting},
    )
    assert response.status_code == 302 and response["Location"] == add_meeting
    assert client.get(add_meeting).status_code == 200
    monkeypatch.setenv("HOST", "127.0.0.1:9100")
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "http://127.0.0.1:9100/" in out.getvalue()


def test_warnings_are_told_only_when_the_page_was_saved(admin_client, manager):
    meeting = MeetingFactory(place="Tokyo", readout_text=READOUT)
    commitment = CommitmentFactory(origin_meeting=meeting, title="Before")
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    data = admin_post_data(page)
    data["place"] = "London"  # usually not in Japan time: a warning, were it saved
    prefix = inline_prefix(page, Commitment)
    data[f"{prefix}-0-quote"] = "Not in the readout."  # a second warning, were it saved
    services.commitment_set_status(
        commitment=commitment,
        user=manager,
        status=Status.ONGOING,
        expected_version=commitment.version,
    )
    response = admin_client.post(url, data, follow=True)
    assert "Someone else saved this commitment" in response.text
    assert "is usually in" not in response.text
    assert "was not found word for word" not in response.text
    meeting.refresh_from_db()
    assert meeting.place == "Tokyo"
    # The next page shown does not bring them back either.
    text = admin_client.get(reverse("admin:tracker_meeting_changelist")).text
    assert "is usually in" not in text and "was not found word for word" not in text


# Every admin save through the services ------------------------------------------------------------


def _refuse(monkeypatch, name: str, error: ValidationError) -> None:
    def refused(**kwargs):
        raise error

    monkeypatch.setattr(services, name, refused)


def _change(admin_client, obj, **changes):
    url = reverse(f"admin:tracker_{obj._meta.model_name}_change", args=[obj.pk])
    data = admin_post_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


def test_meeting_admin_saves_the_changed_fields_through_the_service(
    admin_client, admin_user, spy_service
):
    meeting = MeetingFactory(title="Before", place="Tokyo")
    calls = spy_service("meeting_edit")
    versions = meeting.history.count()
    assert _change(admin_client, meeting).status_code == 302
    # Nothing changed: the service writes no version (a plain save() would).
    assert meeting.history.count() == versions
    assert _change(admin_client, meeting, title="After").status_code == 302
    assert [call["data"] for call in calls] == [{}, {"title": "After"}]
    meeting.refresh_from_db()
    assert meeting.title == "After"
    latest = meeting.history.latest()
    assert (meeting.history.count(), latest.history_user) == (versions + 1, admin_user)


def test_meeting_added_in_the_admin_is_created_by_the_service(
    admin_client, admin_user, spy_service
):
    calls = spy_service("meeting_create")
    url = reverse("admin:tracker_meeting_add")
    data = admin_post_data(admin_client.get(url))
    data.update(
        title="Japan-U.S. Foreign Ministers' Meeting",
        kind="foreign_ministers",
        format="in_person",
        place="Tokyo",
        time_zone="Asia/Tokyo",
        starts_at_0="2024-07-28",
        starts_at_1="10:00",
    )
    assert admin_client.post(url, data).status_code == 302
    meeting = Meeting.objects.get()
    assert calls[0]["data"]["title"] == meeting.title == "Japan-U.S. Foreign Ministers' Meeting"
    assert meeting.history.get().history_user == admin_user


def test_a_meeting_the_service_refuses_is_shown_again_and_nothing_is_saved(
    admin_client, monkeypatch
):
    meeting = MeetingFactory(title="Before")
    person = PersonFactory()
    url = reverse("admin:tracker_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    data = admin_post_data(page)
    data["title"] = "After"
    participant = {"person": person.pk, "side": person.country.pk, "title": "Minister", "order": 1}
    add_inline_row(data, inline_prefix(page, Participation), participant)
    _refuse(monkeypatch, "meeting_edit", ValidationError({"place": ["Name the city."]}))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "place: Name the city." in response.text
    meeting.refresh_from_db()
    assert (meeting.title, meeting.participations.count()) == ("Before", 0)


def test_person_admin_saves_through_the_services(admin_client, spy_service):
    edits, creates = spy_service("person_edit"), spy_service("person_create")
    person = PersonFactory(family_name="Hayashi", given_name="Yoshimasa")
    assert _change(admin_client, person, name_ja="林 芳正").status_code == 302
    assert [call["data"] for call in edits] == [{"name_ja": "林 芳正"}]
    person.refresh_from_db()
    assert person.name_ja == "林 芳正"
    url = reverse("admin:tracker_person_add")
    data = admin_post_data(admin_client.get(url))
    data.update(family_name="Blinken", given_name="Antony", country=person.country.pk)
    assert admin_client.post(url, data).status_code == 302
    assert creates[0]["data"]["family_name"] == "Blinken"
    assert Person.objects.filter(family_name="Blinken").exists()


def test_a_person_the_service_refuses_is_shown_again_and_nothing_is_saved(
    admin_client, monkeypatch
):
    person = PersonFactory(family_name="Hayashi")
    _refuse(monkeypatch, "person_edit", ValidationError("Someone else renamed this person."))
    response = _change(admin_client, person, family_name="Kishida")
    assert response.status_code == 200
    assert "Someone else renamed this person." in response.text
    person.refresh_from_db()
    assert person.family_name == "Hayashi"


def test_reference_admins_save_through_the_services(admin_client, admin_user, spy_service):
    edits, creates = spy_service("reference_edit"), spy_service("reference_create")
    division = DivisionFactory()
    assert _change(admin_client, division, members=[str(admin_user.pk)]).status_code == 302
    assert list(division.members.all()) == [admin_user]
    assert _change(admin_client, CountryFactory(code="JP"), name_ja="日本").status_code == 302
    assert Country.objects.get(code="JP").name_ja == "日本"
    url = reverse("admin:tracker_meetingseries_add")
    data = admin_post_data(admin_client.get(url))
    data.update(name="Japan-U.S. Economic 2+2", kind="economic_2plus2")
    assert admin_client.post(url, data).status_code == 302
    assert [type(call["instance"]) for call in edits] == [Division, Country]
    assert [call["model"] for call in creates] == [MeetingSeries]
    assert MeetingSeries.objects.filter(name="Japan-U.S. Economic 2+2").exists()


def test_a_reference_row_the_service_refuses_is_shown_again_and_nothing_is_saved(
    admin_client, monkeypatch
):
    theme = ThemeFactory(code="energy", name="Energy")
    _refuse(monkeypatch, "reference_edit", ValidationError({"code": ["This code is in use."]}))
    response = _change(admin_client, theme, name="Energy security")
    assert response.status_code == 200
    assert "code: This code is in use." in response.text
    theme.refresh_from_db()
    assert theme.name == "Energy"


def test_admin_deletes_go_through_the_service(admin_client, spy_service):
    deletes = spy_service("record_delete")
    themes = [ThemeFactory(code="energy"), ThemeFactory(code="space")]
    url = reverse("admin:tracker_theme_delete", args=[themes[0].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    response = admin_client.post(
        reverse("admin:tracker_theme_changelist"),
        {"action": "delete_selected", "_selected_action": [themes[1].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert [call["instance"].code for call in deletes] == ["energy", "space"]
    assert not Theme.objects.exists()


# Query counts of the pages clerks save most -------------------------------------------------------


@pytest.fixture
def busy_meeting(db):
    """A meeting with two participants, two commitments made there and two follow-ups held."""
    meeting = MeetingFactory()
    for _ in range(2):
        ParticipationFactory(meeting=meeting)
        CommitmentFactory(origin_meeting=meeting)
        FollowUpFactory(meeting=meeting)
    return meeting


# Session, user, the meeting and its three inlines' rows (themes and parties prefetched), and for
# each row the admin's autocomplete widgets looking up what they show as selected.
MEETING_CHANGE_PAGE_QUERIES = 22
# The page's validation (each row's choices and unique checks), then the meeting's and the changed
# commitment's saves through their services, each under a savepoint, and the admin's log. A
# changed title or next step rewrites the search document: the journal's notes, then the upsert.
# A new title also rewrites the meeting's search document: 5 of these (participants, meeting,
# upsert, and the savepoint of the service's transaction, opened and released).
MEETING_CHANGE_POST_QUERIES = 65
COMMITMENT_CHANGE_POST_QUERIES = 26


def test_meeting_change_page_query_count_is_pinned(
    admin_client, busy_meeting, django_assert_num_queries
):
    url = reverse("admin:tracker_meeting_change", args=[busy_meeting.pk])
    admin_client.get(url)  # warm the per-process caches (content types, site)
    with django_assert_num_queries(MEETING_CHANGE_PAGE_QUERIES):
        assert admin_client.get(url).status_code == 200


def test_meeting_change_post_with_inlines_query_count_is_pinned(
    admin_client, busy_meeting, django_assert_num_queries
):
    url = reverse("admin:tracker_meeting_change", args=[busy_meeting.pk])
    page = admin_client.get(url)
    data = admin_post_data(page)
    data["title"] = "Renamed"
    data[f"{inline_prefix(page, Commitment)}-0-title"] = "Retitled"
    with django_assert_num_queries(MEETING_CHANGE_POST_QUERIES):
        assert admin_client.post(url, data).status_code == 302
    assert busy_meeting.commitments.filter(title="Retitled").count() == 1


def test_commitment_change_post_query_count_is_pinned(admin_client, django_assert_num_queries):
    commitment = CommitmentFactory()
    url = _change_url(commitment)
    data = admin_post_data(admin_client.get(url))
    data["next_step"] = "Draft the terms of reference."
    with django_assert_num_queries(COMMITMENT_CHANGE_POST_QUERIES):
        assert admin_client.post(url, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.next_step == "Draft the terms of reference."
