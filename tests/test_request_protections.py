"""Request-level protections: the client's address behind proxies (for the sign-in
lock-out), the cap on request bodies, and the Content-Security-Policy."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from config.requests import client_ip
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "", "10.0.0.5"),
        (0, "203.0.113.9", "10.0.0.5"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client forged the left part
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.5"),  # fewer hops than proxies: not to be trusted
    ],
)
def test_the_client_is_found_behind_trusted_proxies_only(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_behind_a_load_balancer_one_persons_failures_do_not_lock_out_another(client, settings):
    from axes.handlers.proxy import AxesProxyHandler

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    AxesProxyHandler.implementation = None
    try:
        UserFactory(username="alice", password="a-long-test-password")
        for _ in range(3):
            client.post(
                reverse("login"),
                {"username": "alice", "password": "wrong"},
                REMOTE_ADDR="10.0.0.5",
                HTTP_X_FORWARDED_FOR="198.51.100.7",
            )
        alice = client.post(
            reverse("login"),
            {"username": "alice", "password": "a-long-test-password"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
        assert alice.status_code == 302  # same balancer address, her own address
    finally:
        AxesProxyHandler.implementation = None


@pytest.mark.django_db
def test_a_body_over_the_cap_is_refused_before_it_is_read(signed_in, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = signed_in.post(
        reverse("plan-list"), data=b"x" * 2000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "Too much to upload at once" in response.content.decode()


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_and_use_no_inline_script(signed_in):
    response = signed_in.get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
