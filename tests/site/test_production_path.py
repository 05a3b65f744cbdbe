"""The production path, as the README gives it: `collectstatic` (hashed names, the
manifest), DEBUG off, pages served with WhiteNoise. A review found every page a 500 this
way: the vendored GOV.UK CSS pointed at an image that is not shipped, so collectstatic
failed, no manifest was written and every `{% static %}` raised."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core import checks
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage

from improvement import roles
from tests.factories import PlanFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

HASHED_CSS = re.compile(
    r'href="(/static/vendor/govuk-frontend/govuk-frontend\.min\.[0-9a-f]{12}\.css)"'
)
HASHED_APP_CSS = re.compile(r'href="/static/css/app\.[0-9a-f]{12}\.css"')


class ManifestStorageWithoutCompression(CompressedManifestStaticFilesStorage):
    """Production's storage (hashing, url() rewriting, the manifest) without writing gzip
    and Brotli copies, which cost seconds of CPU and test nothing here."""

    def compress_files(self, paths):
        return iter(())


@pytest.fixture
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": f"{__name__}.ManifestStorageWithoutCompression"},
    }
    return settings


def _site_errors():
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.staticfiles])
    return [message.id for message in found if message.id.startswith("site.")]


def test_every_url_in_the_shipped_css_points_at_a_shipped_file():
    missing = []
    for root in django_settings.STATICFILES_DIRS:
        for css in Path(root).rglob("*.css"):
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text()):
                if ref.startswith(("data:", "#", "http:", "https:", "//")):
                    continue
                target = (css.parent / ref.split("?")[0].split("#")[0]).resolve()
                if not target.is_file():
                    missing.append(f"{css.relative_to(root)}: {ref}")
    assert missing == []


def test_collected_static_files_serve_the_sign_in_page_and_signed_in_pages(production, client):
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (production.STATIC_ROOT / "staticfiles.json").is_file()
    assert _site_errors() == []

    response = client.get("/accounts/login/")
    assert response.status_code == 200
    page = response.content.decode()
    css = HASHED_CSS.search(page)
    assert css, "the sign-in page links the hashed GOV.UK stylesheet"
    assert HASHED_APP_CSS.search(page)
    stylesheet = client.get(css.group(1))
    assert stylesheet.status_code == 200
    assert b"govuk-" in b"".join(stylesheet.streaming_content)

    PlanFactory(title="A plan on the list")
    client.force_login(user_with_role(roles.VIEWER))
    for url in ["/", "/plans/", "/actions/", "/measures/"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert HASHED_CSS.search(response.content.decode()), url

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css", response.content.decode())


def test_check_deploy_reports_static_files_never_collected(production):
    assert _site_errors() == ["site.E001"]


def test_check_deploy_reports_a_manifest_collected_before_a_file_was_added(production):
    ignored = ["CVS", ".*", "*~"]  # collectstatic's defaults
    found = sorted({path for finder in finders.get_finders() for path, _ in finder.list(ignored)})
    production.STATIC_ROOT.mkdir()
    (production.STATIC_ROOT / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {path: path for path in found[1:]}, "hash": ""})
    )
    assert _site_errors() == ["site.E002"]


def test_check_deploy_says_nothing_without_hashed_names(settings):
    # tests/conftest.py: plain storage, as with DEBUG on (STATIC_MANIFEST off).
    assert _site_errors() == []
