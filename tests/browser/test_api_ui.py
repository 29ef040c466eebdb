"""The API tokens page and the interactive API docs in a real browser: the token is made and shown
once, and Swagger UI renders every operation under the app's Content-Security-Policy (the
`open_page` fixture fails the test on any console error or CSP violation)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tracker.models import ApiToken, api_token_hash

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_a_token_then_read_the_docs(page, make_user):
    user = make_user(username="tanaka", roles=["Editor"])
    log_in(page, "tanaka")
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("Cabinet dashboard")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("trk_")
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == api_token_hash(secret)
    expect(page.get_by_role("cell", name="Cabinet dashboard", exact=True)).to_be_visible()

    page.goto("/api/v1/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/api/v1/commitments/{id}/status/")).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() == 14
