"""Creating and changing a record from explicit data: the shape every simple write takes.

`record_create` and `record_update` take the model or instance, the fields the caller may set and
the data, validate with `full_clean()` and save once, with the user in the change history. The
services for meetings, people and reference data are these two with their field lists;
`record_delete` is the admin's delete of any of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from .history import set_history_user


def only(data: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """The data, refused loudly when it names a field the caller may not set."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"Not editable here: {sorted(unknown)}")
    return dict(data)


def _split(model: type[models.Model], data: dict[str, Any]) -> tuple[dict, dict]:
    many = {f.name for f in model._meta.many_to_many}
    return (
        {k: v for k, v in data.items() if k not in many},
        {k: v for k, v in data.items() if k in many},
    )


def _save(instance: models.Model, user: AbstractBaseUser | None, changed: Mapping) -> None:
    if instance.pk is None or changed:
        instance.full_clean()
        set_history_user(instance, user)
        instance.save()


def _set_many(instance: models.Model, many: Mapping[str, Any]) -> None:
    for name, values in many.items():
        getattr(instance, name).set(values)


@transaction.atomic
def record_create[Model: models.Model](
    *,
    model: type[Model],
    user: AbstractBaseUser | None,
    fields: Iterable[str],
    data: Mapping[str, Any],
) -> Model:
    plain, many = _split(model, only(data, fields))
    instance = model(**plain)
    _save(instance, user, plain)
    _set_many(instance, many)
    return instance


@transaction.atomic
def record_update[Model: models.Model](
    *,
    instance: Model,
    user: AbstractBaseUser | None,
    fields: Iterable[str],
    data: Mapping[str, Any],
) -> Model:
    """Apply the values that really change, on the row as it is now (locked); a no-op saves
    nothing and writes no history."""
    model = type(instance)
    plain, many = _split(model, only(data, fields))
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    changed = {k: v for k, v in plain.items() if getattr(current, k) != v}
    for name, value in changed.items():
        setattr(current, name, value)
    _save(current, user, changed)
    _set_many(current, many)
    return current


@transaction.atomic
def record_delete(
    *,
    instance: models.Model,
    user: AbstractBaseUser | None,
    permission: str = "",
    refusal: str = "",
) -> None:
    """Delete a row, the user in the change history; with `permission`, refused (`refusal`)
    to a user without it (the admin checks its own delete permission before calling)."""
    if permission and not (user is not None and user.has_perm(permission)):
        raise PermissionDenied(refusal)
    set_history_user(instance, user)
    instance.delete()
