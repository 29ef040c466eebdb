"""Passkeys as a second factor: registering one, verifying a log-in with it, renaming and removing
it, through the doors a browser uses (the package's JSON ceremonies, our pages), with a software
authenticator that signs like a real one. The browser itself: tests/browser/test_passkeys_ui.py.
"""

import base64
import hashlib
import json
import os

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tests.factories import PasskeyFactory
from tracker.models import SecurityEvent, SecurityEventKind
from tracker.services import passkeys as passkey_services

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]
PASSWORD = "correct horse battery staple"
ORIGIN = "http://localhost:8000"
HOSTILE_NAMES = {
    "nul": "Laptop\x00",
    "controls": "Lap\x07top\x1b[31m",
    "line-break": "Laptop\nkey",
    "10kb": "x" * 10_240,
    "blank": "   ",
}


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    """A platform authenticator in software: a P-256 key, "none" attestation, user verified."""

    def __init__(self, rp_id: str = "localhost", origin: str = ORIGIN):
        self.rp_id = rp_id
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32)}
        )

    def _authenticator_data(self, *, attested: bool) -> bytes:
        self.sign_count += 1
        flags = 0x01 | 0x04 | (0x40 if attested else 0)  # user present, verified, key follows
        data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags])
        data += self.sign_count.to_bytes(4, "big")
        if attested:
            data += bytes(16) + len(self.credential_id).to_bytes(2, "big")
            data += self.credential_id + self._cose_key()
        return data

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict) -> dict:
        client_data = self._client_data("webauthn.create", options["challenge"])
        attestation = cbor2.dumps(
            {"fmt": "none", "attStmt": {}, "authData": self._authenticator_data(attested=True)}
        )
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "attestationObject": _b64(attestation),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, options: dict, *, signature: bytes | None = None) -> dict:
        client_data = self._client_data("webauthn.get", options["challenge"])
        data = self._authenticator_data(attested=False)
        signed = data + hashlib.sha256(client_data).digest()
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(client_data),
                "authenticatorData": _b64(data),
                "signature": _b64(signature or self.key.sign(signed, ec.ECDSA(hashes.SHA256()))),
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }


def _post_json(client, name: str, body=None, query: str = ""):
    url = reverse(f"otp_webauthn:{name}") + query
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def _register(client, authenticator: SoftAuthenticator):
    options = _post_json(client, "credential-registration-begin")
    assert options.status_code == 200, options.content
    return _post_json(
        client, "credential-registration-complete", authenticator.create(options.json())
    )


def _verify(client, authenticator: SoftAuthenticator, query: str = "", **kwargs):
    options = _post_json(client, "credential-authentication-begin")
    assert options.status_code == 200, options.content
    answer = authenticator.get(options.json(), **kwargs)
    return _post_json(client, "credential-authentication-complete", answer, query)


def _password_login(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def _events(action: str) -> list[SecurityEvent]:
    return [
        event
        for event in SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_FACTOR).order_by("pk")
        if event.detail.get("action") == action and event.detail.get("method") == "passkey"
    ]


# Registering ------------------------------------------------------------------------------------


def test_an_editor_adds_a_passkey_from_the_settings_page(client, editor):
    client.force_login(editor)
    response = _register(client, SoftAuthenticator())
    assert response.status_code == 200
    passkey = WebAuthnCredential.objects.get(user=editor)
    assert response.json() == {"id": passkey.pk}
    # Named until its owner renames it, and logged.
    assert passkey.name == "Passkey 1"
    (event,) = _events("enrolled")
    assert (event.user, event.target_id) == (editor, str(passkey.pk))
    page = client.get(reverse("security-settings"))
    assert "The passkey “Passkey 1” was added." in page.text
    assert reverse("passkey-rename", args=[passkey.pk]) in page.text


def test_a_manager_who_must_enrol_can_enrol_with_a_passkey_alone(client, manager):
    _password_login(client, manager)
    # The enrolment step: every page sends the manager to set up a second factor …
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two-factor-setup"))
    half_logged_in = client.cookies["sessionid"].value
    assert _register(client, SoftAuthenticator()).status_code == 200
    assert client.cookies["sessionid"].value != half_logged_in
    # … until the passkey is registered: it is the enrolment, and the session is verified.
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Make recovery codes under Security now" in dashboard.text
    (event,) = _events("enrolled")
    assert event.detail["first_factor"] is True


def test_the_second_step_refuses_to_register_a_new_passkey(client, editor):
    PasskeyFactory(user=editor)
    _password_login(client, editor)
    # The session owes its second factor: a new passkey would skip it.
    response = _post_json(client, "credential-registration-begin")
    assert response.status_code in (302, 403)
    assert WebAuthnCredential.objects.filter(user=editor).count() == 1


def test_a_user_may_hold_at_most_max_passkeys(client, editor):
    _verified(client, editor)
    for _ in range(passkey_services.MAX_PASSKEYS - 2):
        PasskeyFactory(user=editor)
    assert _register(client, SoftAuthenticator()).status_code == 200
    response = _post_json(client, "credential-registration-begin")
    assert response.status_code == 409
    assert "the most one person may hold" in response.json()["detail"]
    assert WebAuthnCredential.objects.filter(user=editor).count() == passkey_services.MAX_PASSKEYS


def test_registration_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert _post_json(client, "credential-registration-begin").status_code == 403
    assert not WebAuthnCredential.objects.exists()


def test_anonymous_visitors_cannot_begin_any_ceremony(client):
    for name in ("credential-registration-begin", "credential-authentication-begin"):
        response = _post_json(client, name)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# Verifying a log-in ------------------------------------------------------------------------------


def test_the_second_step_with_a_passkey_lands_on_the_page_asked_for(client, editor):
    authenticator = SoftAuthenticator()
    client.force_login(editor)
    assert _register(client, authenticator).status_code == 200
    client.post(reverse("logout"))

    _password_login(client, editor)
    assert client.get(reverse("commitment-list"))["Location"].startswith(
        reverse("two-factor-verify")
    )
    half_logged_in = client.cookies["sessionid"].value
    response = _verify(client, authenticator, query="?next=/commitments/")
    assert response.status_code == 200
    assert response.json()["redirect_url"] == "/commitments/"
    # A new session key for the full session: the half-logged-in one's key is worth nothing.
    assert client.cookies["sessionid"].value != half_logged_in
    assert client.get(reverse("commitment-list")).status_code == 200
    (event,) = _events("verified")
    assert event.user == editor
    assert WebAuthnCredential.objects.get(user=editor).last_used_at is not None


def test_the_second_step_never_sends_the_user_to_another_site(client, editor):
    authenticator = SoftAuthenticator()
    client.force_login(editor)
    _register(client, authenticator)
    client.post(reverse("logout"))
    _password_login(client, editor)
    response = _verify(client, authenticator, query="?next=https://evil.example/")
    assert response.json()["redirect_url"] == "/"


def test_a_bad_signature_is_refused_and_logged(client, editor):
    authenticator = SoftAuthenticator()
    client.force_login(editor)
    _register(client, authenticator)
    client.post(reverse("logout"))
    _password_login(client, editor)
    forged = SoftAuthenticator().key.sign(b"something else", ec.ECDSA(hashes.SHA256()))
    response = _verify(client, authenticator, signature=forged)
    assert response.status_code == 422
    assert client.get(reverse("dashboard")).status_code == 302
    (event,) = _events("verify_failed")
    assert (event.user, event.detail["code"]) == (editor, "invalid_authentication_response")


def test_another_users_passkey_does_not_verify_a_log_in(client, editor, other_editor):
    theirs = SoftAuthenticator()
    other = Client()
    other.force_login(other_editor)
    _register(other, theirs)
    PasskeyFactory(user=editor)
    _password_login(client, editor)
    response = _verify(client, theirs)
    assert response.status_code == 403
    assert client.get(reverse("dashboard")).status_code == 302
    (event,) = _events("verify_failed")
    assert event.detail["code"] == "credential_user_mismatch"


def test_an_answer_without_a_challenge_is_refused_and_logged(client, editor):
    PasskeyFactory(user=editor)
    _password_login(client, editor)
    response = _post_json(client, "credential-authentication-complete", {"id": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert len(_events("verify_failed")) == 1


@pytest.mark.parametrize("body", [b"not json", b"\x00\xff\xfe", b"[1]", b"x" * 100_000])
@pytest.mark.parametrize(
    "name", ["credential-registration-begin", "credential-authentication-begin"]
)
def test_hostile_bodies_to_a_ceremonys_start_get_an_error_never_a_500(client, editor, name, body):
    client.force_login(editor)
    response = client.post(reverse(f"otp_webauthn:{name}"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_hostile_query_strings_to_the_ceremonies_never_give_a_500(client, editor):
    client.force_login(editor)
    for value in ("%00", "%ED%A0%80", "x" * 10_240, "%FF%FE"):
        query = f"?next={value}&q={value}&language={value}"
        assert client.get(reverse("otp_webauthn:js-i18n-catalog") + query).status_code in (
            200,
            400,
        )
        response = _post_json(client, "credential-authentication-complete", query=query)
        assert response.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\x00\xff\xfe",
        b'{"id": "\\u0000"}',
        json.dumps({"id": "x" * 100_000}).encode(),
        b"[]",
        b'"a string"',
    ],
)
@pytest.mark.parametrize(
    "name", ["credential-registration-complete", "credential-authentication-complete"]
)
def test_hostile_answers_to_a_ceremony_get_an_error_never_a_500(client, editor, name, body):
    client.force_login(editor)
    begin = name.replace("complete", "begin")
    assert _post_json(client, begin).status_code == 200
    response = client.post(reverse(f"otp_webauthn:{name}"), body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert not WebAuthnCredential.objects.exists()


# The passkey list on the settings page -----------------------------------------------------------


def test_the_settings_page_lists_only_the_users_own_passkeys(client, editor, other_editor):
    PasskeyFactory(user=editor, name="Office laptop")
    PasskeyFactory(user=other_editor, name="Their key")
    _verified(client, editor)
    page = client.get(reverse("security-settings"))
    assert "Office laptop" in page.text
    assert "Their key" not in page.text
    assert 'id="passkey-register-button"' in page.text


def test_a_hostile_name_is_shown_as_text(client, editor):
    PasskeyFactory(user=editor, name="<script>alert(1)</script>")
    _verified(client, editor)
    page = client.get(reverse("security-settings"))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_passkey_list_costs_the_same_queries_for_one_or_many(client, editor):
    PasskeyFactory(user=editor)
    _verified(client, editor)
    client.get(reverse("security-settings"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("security-settings")).status_code == 200
    for _ in range(6):
        PasskeyFactory(user=editor)
    with CaptureQueriesContext(connection) as seven:
        assert client.get(reverse("security-settings")).status_code == 200
    assert len(seven) == len(one)


def test_the_verify_page_offers_a_passkey_only_to_a_user_who_has_one(client, editor, viewer):
    PasskeyFactory(user=editor)
    TOTPDevice.objects.create(user=viewer, name="Authenticator app", confirmed=True)
    _password_login(client, editor)
    assert 'id="passkey-verification-button"' in client.get(reverse("two-factor-verify")).text
    other = Client()
    _password_login(other, viewer)
    assert "passkey-verification-button" not in other.get(reverse("two-factor-verify")).text


def _passkey_of(user, authenticator: SoftAuthenticator) -> WebAuthnCredential:
    """The authenticator's key registered for `user` directly, as if by an earlier ceremony."""
    return WebAuthnCredential.objects.create(
        user=user,
        name="Laptop",
        credential_id=authenticator.credential_id,
        public_key=authenticator._cose_key(),
        aaguid="00000000-0000-0000-0000-000000000000",
    )


def _verified(client, user) -> SoftAuthenticator:
    """A session that gave its second factor (a passkey of its own), as after a full log-in."""
    authenticator = SoftAuthenticator()
    _passkey_of(user, authenticator)
    client.force_login(user)
    assert _verify(client, authenticator).status_code == 200
    return authenticator


def _csrf_checking(client) -> Client:
    """A client that sends no CSRF token, in the session of `client`."""
    checking = Client(enforce_csrf_checks=True)
    checking.cookies = client.cookies
    return checking


# Renaming ----------------------------------------------------------------------------------------


def test_renaming_a_passkey(client, editor):
    passkey = PasskeyFactory(user=editor, name="Passkey 1")
    _verified(client, editor)
    url = reverse("passkey-rename", args=[passkey.pk])
    assert 'value="Passkey 1"' in client.get(url).text
    response = client.post(url, {"name": "  Blue security key 🔑 "})
    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name == "Blue security key 🔑"
    (event,) = _events("renamed")
    assert event.detail["previous"] == "Passkey 1"


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_hostile_name_is_refused_with_a_message_and_kept_in_the_form(client, editor, name):
    passkey = PasskeyFactory(user=editor, name="Passkey 1")
    _verified(client, editor)
    response = client.post(reverse("passkey-rename", args=[passkey.pk]), {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["form"]["name"].value() == name
    passkey.refresh_from_db()
    assert passkey.name == "Passkey 1"
    assert not _events("renamed")


def test_a_name_that_is_not_utf8_is_kept_with_a_replacement_character(client, editor):
    passkey = PasskeyFactory(user=editor, name="Passkey 1")
    _verified(client, editor)
    # A lone surrogate, as a browser would encode it: bytes that are not UTF-8.
    body = "name=Laptop%ED%A0%80"
    url = reverse("passkey-rename", args=[passkey.pk])
    response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    passkey.refresh_from_db()
    assert passkey.name.startswith("Laptop\ufffd")


def test_nobody_renames_another_users_passkey(client, editor, other_editor):
    theirs = PasskeyFactory(user=other_editor, name="Their key")
    _verified(client, editor)
    url = reverse("passkey-rename", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their key"


def test_renaming_needs_the_csrf_token(client, editor):
    passkey = PasskeyFactory(user=editor, name="Passkey 1")
    _verified(client, editor)
    response = _csrf_checking(client).post(
        reverse("passkey-rename", args=[passkey.pk]), {"name": "New"}
    )
    assert response.status_code == 403
    passkey.refresh_from_db()
    assert passkey.name == "Passkey 1"


# Removing ----------------------------------------------------------------------------------------


def test_removing_a_passkey_asks_first_then_removes_and_logs(client, editor):
    passkey = PasskeyFactory(user=editor, name="Old phone")
    _verified(client, editor)
    url = reverse("passkey-remove", args=[passkey.pk])
    confirm = client.get(url)
    assert "Remove the passkey “Old phone”?" in confirm.text
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("security-settings")
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    (event,) = _events("removed")
    assert (event.user, event.target_id) == (editor, str(passkey.pk))
    assert event.target_repr.startswith("Old phone")
    # The session keeps its second factor: the settings page answers, no second step.
    assert client.get(reverse("security-settings")).status_code == 200


def test_removing_the_passkey_the_session_was_verified_with_keeps_the_session(client, editor):
    _verified(client, editor)
    used = WebAuthnCredential.objects.get(user=editor)
    # (force_login does not give a second factor: the session's device is the passkey.)
    PasskeyFactory(user=editor, name="Spare key")
    client.post(reverse("passkey-remove", args=[used.pk]))
    assert client.get(reverse("security-settings")).status_code == 200


def test_a_manager_cannot_remove_their_last_second_factor(client, manager):
    _verified(client, manager)
    only = WebAuthnCredential.objects.get(user=manager)
    response = client.post(reverse("passkey-remove", args=[only.pk]), follow=True)
    assert "This is your last second factor" in response.text
    assert WebAuthnCredential.objects.filter(pk=only.pk).exists()
    assert _events("remove_refused")
    # With an authenticator app as well, the passkey may go.
    TOTPDevice.objects.create(user=manager, name="Authenticator app", confirmed=True)
    client.post(reverse("passkey-remove", args=[only.pk]))
    assert not WebAuthnCredential.objects.filter(pk=only.pk).exists()


def test_an_editor_may_remove_their_only_passkey_and_its_recovery_codes_go_too(client, editor):
    _verified(client, editor)
    only = WebAuthnCredential.objects.get(user=editor)
    StaticDevice.objects.create(user=editor, name="Recovery codes", confirmed=True)
    client.post(reverse("passkey-remove", args=[only.pk]))
    assert not WebAuthnCredential.objects.filter(user=editor).exists()
    assert not StaticDevice.objects.filter(user=editor).exists()
    # Nothing is owed any more: no second step with nothing to give it with.
    assert client.get(reverse("dashboard")).status_code == 200


def test_nobody_removes_another_users_passkey(client, editor, other_editor):
    theirs = PasskeyFactory(user=other_editor)
    _verified(client, editor)
    url = reverse("passkey-remove", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_removing_needs_the_csrf_token_and_a_session(client, editor):
    passkey = PasskeyFactory(user=editor)
    url = reverse("passkey-remove", args=[passkey.pk])
    assert client.post(url)["Location"].startswith(reverse("login"))
    _verified(client, editor)
    assert _csrf_checking(client).post(url).status_code == 403
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_a_removed_passkey_no_longer_verifies_a_log_in(client, editor):
    authenticator = SoftAuthenticator()
    client.force_login(editor)
    _register(client, authenticator)
    passkey = WebAuthnCredential.objects.get(user=editor)
    TOTPDevice.objects.create(user=editor, name="Authenticator app", confirmed=True)
    client.post(reverse("passkey-remove", args=[passkey.pk]))
    client.post(reverse("logout"))
    _password_login(client, editor)
    response = _verify(client, authenticator)
    assert response.status_code == 404
    assert client.get(reverse("dashboard")).status_code == 302


def test_renaming_and_removing_cost_a_fixed_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    passkey = PasskeyFactory(user=editor)
    _verified(client, editor)
    # Session, user, the session's device (django-otp), the passkey found, the user's row and the
    # passkey locked, the update, the log line, and the savepoints around the two writes.
    with django_assert_max_num_queries(12):
        client.post(reverse("passkey-rename", args=[passkey.pk]), {"name": "Office laptop"})
    # … and for a removal the policy's one question, the attestation, and the step remembered.
    with django_assert_max_num_queries(18):
        client.post(reverse("passkey-remove", args=[passkey.pk]))
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    with django_assert_max_num_queries(3):
        client.get(reverse("otp_webauthn:js-i18n-catalog"))


# Both languages ----------------------------------------------------------------------------------


def test_the_package_scripts_strings_come_in_japanese(client, editor):
    client.force_login(editor)
    catalog = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE="ja")
    # (The catalogue is JSON in a script: non-ASCII letters are escaped.)
    assert json.dumps("パスキーを登録") in catalog.text
    assert json.dumps("確認を中止しました。") in catalog.text
    english = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Register a Passkey" not in english.text
    # Small: the package's two dozen sentences, not Django's whole catalogue.
    assert len(catalog.content) < 10_000


def test_the_passkey_pages_and_refusals_come_in_japanese(client, editor):
    passkey = PasskeyFactory(user=editor, name="Old phone")
    _verified(client, editor)
    page = client.get(reverse("passkey-remove", args=[passkey.pk]), HTTP_ACCEPT_LANGUAGE="ja")
    assert "パスキー「Old phone」を削除しますか？" in page.text
    with translation.override("ja"):
        assert passkey_services.passkey_name_errors("a\x07b") == [
            "名前にタブや改行などの制御文字は使えません。"
        ]
