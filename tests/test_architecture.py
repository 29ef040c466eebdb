"""The shape of the code base, held by tests: one door per write, modules of a readable size."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"

# Calls that write rows. `update` and `delete` are also the names of dict/set methods, so they
# count only on a queryset or manager (a receiver spelled with `objects`, `filter`, `all`, ...).
WRITE_METHODS = {
    "save",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_WRITES = {"update", "delete"}
QUERYSET_WORDS = {"objects", "filter", "exclude", "all", "select_for_update", "_default_manager"}

# Writes allowed outside the services, each for a reason.
ALLOWED = {
    # An openpyxl workbook written to bytes, not a model.
    ("report/xlsx.py", "workbook.save"),
    # Demo users are Django's auth users, not the tracker's records.
    ("demo.py", "user.save"),
    ("management/commands/load_demo.py", "user.save"),
}


def _writes(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        receiver = node.func.value
        text = ast.unparse(receiver)
        # A model's own save() calling super() is the model, not a caller writing it.
        own_save = method == "save" and text == "super()"
        on_queryset = any(f".{word}" in f".{text}" for word in QUERYSET_WORDS)
        if (method in WRITE_METHODS and not own_save) or (
            method in QUERYSET_WRITES and on_queryset
        ):
            found.append((node.lineno, f"{text}.{method}"))
    return found


def _modules():
    for path in sorted(TRACKER.rglob("*.py")):
        relative = path.relative_to(TRACKER).as_posix()
        if relative.startswith(("migrations/", "services/")) or "/migrations/" in relative:
            continue
        yield relative, path


def test_only_services_write_the_tracker_models():
    offenders = [
        f"tracker/{relative}:{line}: {call}"
        for relative, path in _modules()
        for line, call in _writes(path)
        if (relative, call) not in ALLOWED
    ]
    assert offenders == [], "writes outside tracker/services/:\n" + "\n".join(offenders)


def test_the_write_detector_sees_the_ways_code_writes(tmp_path):
    """The scan above must catch each shape of write, or its silence proves nothing."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "meeting.save()\n"
        "Meeting.objects.create(title='x')\n"
        "Commitment.objects.filter(pk=1).update(status='done')\n"
        "StatusUpdate.objects.bulk_create([])\n"
        "Theme.objects.get_or_create(code='x')\n"
        "FollowUp.objects.filter(pk=1).delete()\n"
        "counts.update({'a': 1})\n"
        "super().save(*args, **kwargs)\n",
        encoding="utf-8",
    )
    calls = [call for _, call in _writes(sample)]
    assert calls == [
        "meeting.save",
        "Meeting.objects.create",
        "Commitment.objects.filter(pk=1).update",
        "StatusUpdate.objects.bulk_create",
        "Theme.objects.get_or_create",
        "FollowUp.objects.filter(pk=1).delete",
    ]


# Word lists and other data a desk officer edits are not code to split.
DATA_MODULES = {"readout_parser/words.py"}
MAX_MODULE_LINES = 600


CODE_MODULES = [
    (path.relative_to(TRACKER).as_posix(), path)
    for path in sorted(TRACKER.rglob("*.py"))
    if "migrations" not in path.parts and path.relative_to(TRACKER).as_posix() not in DATA_MODULES
]


@pytest.mark.parametrize(("relative", "path"), CODE_MODULES, ids=[r for r, _ in CODE_MODULES])
def test_no_module_is_too_long_to_read(relative, path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"tracker/{relative} has {lines} lines: split it by role"
