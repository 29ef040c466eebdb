"""Who made a change, for the change history written outside a request."""


def set_history_user(instance, user) -> None:
    # django-simple-history reads this to record who made the change outside a request.
    instance._history_user = user
