"""How the names of users (owners, authors) and of people (meeting participants) are written.

One place, so that every page, message and report writes a name the same way: English puts the
given name first ("Haruka Tanaka"), Japanese the family name ("Tanaka Haruka").
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_japanese(language: str | None = None) -> bool:
    return (language or get_language() or "").startswith("ja")


def choose_name(name: str, name_ja: str | None, language: str | None = None) -> str:
    """The Japanese name in the Japanese interface when one is recorded, else the English one
    (for code that reads values, not objects)."""
    return name_ja if name_ja and is_japanese(language) else name


def format_user_name(
    first: str | None, last: str | None, username: str | None, language: str | None = None
) -> str:
    """A user's name from its parts (for code that reads values, not objects); never empty
    unless all three are."""
    first, last = (first or "").strip(), (last or "").strip()
    parts = [last, first] if is_japanese(language) else [first, last]
    return " ".join(part for part in parts if part) or (username or "")


def user_name(user, language: str | None = None) -> str:
    """The display name of a user, in the order of the interface's language."""
    if user is None:
        return ""
    return format_user_name(
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        user.get_username(),
        language,
    )


def display_name(obj, language: str | None = None) -> str:
    """A user's or a person's name, or the Japanese name of a division, theme or country in
    the Japanese interface: whatever `obj` is, its name as the reader's language writes it."""
    if obj is None or obj == "":
        return ""
    if hasattr(obj, "display_name"):
        return obj.display_name(language)
    if hasattr(obj, "get_username"):
        return user_name(obj, language)
    return choose_name(str(obj), getattr(obj, "name_ja", ""), language)
