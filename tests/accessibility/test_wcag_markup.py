"""WCAG in the server's HTML: language, names, descriptions and roles (Django's test client)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_r16_api_docs_page_is_in_the_users_language_and_swagger_ui_in_english(client, language):
    """WCAG 3.1.1 and 3.1.2: the banner and the switch are the user's language; Swagger's text is English."""
    page = client.get(reverse("api-docs"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<html lang="{language}">' in page
    assert '<div id="swagger-ui" lang="en"></div>' in page
    # Swagger UI from drf-spectacular-sidecar, served by the portal: no CDN.
    assert '<script src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js">' in page
    assert "cdn." not in page
