"""The power-list admin: scoped to the township, guessed ids reveal nothing, versions in force are read-only."""

import pytest

from enforcement.models import EnforcementRuleSet, PowerMatterVersion, PowerStatus
from tests.enforcement.power.factories import make_matter
from tests.factories import TownshipFactory, make_staff
from township.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships():
    mine, other = TownshipFactory(), TownshipFactory()
    make_matter(township=mine, code="CG-001", name="我镇的占道经营")
    theirs = make_matter(township=other, code="CG-001", name="他镇的占道经营")
    return mine, other, theirs


def test_a_legal_reviewer_sees_only_their_townships_matters(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.LEGAL_REVIEWER, township=mine))
    html = client.get("/admin/enforcement/powermatter/").content.decode()
    assert "我镇的占道经营" in html and "他镇的占道经营" not in html
    versions = client.get("/admin/enforcement/powermatterversion/").content.decode()
    assert "我镇的占道经营" in versions and "他镇的占道经营" not in versions


def test_guessing_another_townships_matter_or_version_id_reveals_nothing(client, two_townships):
    mine, _other, theirs = two_townships
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=mine))
    for url in (
        f"/admin/enforcement/powermatter/{theirs.pk}/change/",
        f"/admin/enforcement/powermatterversion/{theirs.current_version_id}/change/",
    ):
        response = client.get(url, follow=True)
        assert "他镇的占道经营" not in response.content.decode()


def test_publishing_or_revising_another_townships_version_is_refused(client, two_townships):
    mine, _other, theirs = two_townships
    client.force_login(make_staff(Role.LEGAL_REVIEWER, township=mine))
    response = client.post(f"/admin/enforcement/powermatterversion/{theirs.current_version_id}/revise/")
    assert response.status_code == 404
    assert not PowerMatterVersion.objects.filter(matter=theirs, status=PowerStatus.DRAFT).exists()


def test_an_officer_may_read_the_list_but_not_change_it(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.LEGAL_REVIEWER, township=mine))
    mine_version = PowerMatterVersion.objects.get(matter__township=mine)
    client.logout()
    client.force_login(make_staff(Role.ENFORCEMENT_OFFICER, township=mine))
    assert client.get("/admin/enforcement/powermatter/").status_code in (200, 302)
    response = client.post(f"/admin/enforcement/powermatterversion/{mine_version.pk}/revise/")
    assert response.status_code in (302, 403)
    assert not PowerMatterVersion.objects.filter(status=PowerStatus.DRAFT).exists()


def test_a_version_in_force_opens_read_only_and_revise_opens_a_draft(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.LEGAL_REVIEWER, township=mine))
    version = PowerMatterVersion.objects.get(matter__township=mine)
    page = client.get(f"/admin/enforcement/powermatterversion/{version.pk}/change/")
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()
    response = client.post(f"/admin/enforcement/powermatterversion/{version.pk}/revise/")
    draft = PowerMatterVersion.objects.get(matter=version.matter, status=PowerStatus.DRAFT)
    assert response["Location"].endswith(f"/{draft.pk}/change/")
    page = client.get(f"/admin/enforcement/powermatterversion/{draft.pk}/change/")
    assert 'name="name"' in page.content.decode()


def test_a_township_admin_sees_only_their_own_rule_set(client, two_townships):
    mine, other, _theirs = two_townships
    EnforcementRuleSet.objects.create(township=mine, clue_check_working_days=11)
    EnforcementRuleSet.objects.create(township=other, clue_check_working_days=13)
    client.force_login(make_staff(Role.TOWNSHIP_ADMIN, township=mine))
    html = client.get("/admin/enforcement/enforcementruleset/").content.decode()
    assert str(mine.name) in html and str(other.name) not in html
    assert "Default rules" not in html and "默认" not in html
    theirs = EnforcementRuleSet.objects.get(township=other)
    response = client.get(f"/admin/enforcement/enforcementruleset/{theirs.pk}/change/", follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/admin/"


def test_a_grid_member_cannot_open_the_power_list_admin(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.GRID_MEMBER, township=mine))
    response = client.get("/admin/enforcement/powermatter/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_only_county_admins_may_change_hearing_thresholds(client, two_townships):
    mine, _other, _theirs = two_townships
    client.force_login(make_staff(Role.LEGAL_REVIEWER, township=mine))
    assert client.get("/admin/enforcement/hearingthreshold/").status_code == 200
    assert client.get("/admin/enforcement/hearingthreshold/add/").status_code == 403
    client.force_login(make_staff(Role.COUNTY_ADMIN, township=mine))
    assert client.get("/admin/enforcement/hearingthreshold/add/").status_code == 200
