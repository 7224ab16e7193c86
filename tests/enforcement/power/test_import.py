"""Excel/CSV import and export of the power list: all or nothing, each bad row reported, new versions."""

import pytest
import tablib
from django.utils import translation

from enforcement.models import PowerMatter, PowerMatterVersion, PowerStatus
from enforcement.power.resources import COLUMNS, PowerMatterResource
from tests.factories import TownshipFactory, make_staff
from township.org.roles import Role

pytestmark = pytest.mark.django_db
HEADERS = [c for c in COLUMNS if c not in ("version", "status")]
BANDS = (
    "none | | none | first,corrected | 首次违法且及时改正 | 批评教育\n"
    "lesser | 0-6000 | none,minor | | 情节较轻 |\n"
    "general | 6000-14000 | general | | 情节一般 |\n"
    "severe | 14000-20000 | serious | | 情节严重 |"
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def township():
    return TownshipFactory(code="320999901", short_code="QSX", name="青石镇")


def row(township, **values):
    data = {
        "township": township.code,
        "code": "CG-001",
        "name": "擅自占用城市道路设摊经营",
        "kind": "行政处罚",
        "domain": "城管",
        "violated_provision": "《城市道路管理条例》第二十七条",
        "penalty_provision": "《城市道路管理条例》第四十二条",
        "legal_penalty": "处2万元以下罚款",
        "source_department": "江南县城市管理局",
        "channel": "交由",
        "channel_reference": "苏政发〔2025〕18号",
        "issuing_organ_name": "青石镇人民政府",
        "first_offence_exemption": "是",
        "legal_review_required": "否",
        "effective_from": "2025-07-01",
        "bands": BANDS,
    }
    data.update(values)
    return data


def dataset(rows, headers=HEADERS):
    data = tablib.Dataset(headers=list(headers))
    for r in rows:
        data.append([r.get(h, "") for h in headers])
    return data


def run(rows, **kwargs):
    return PowerMatterResource(**kwargs).import_data(dataset(rows), dry_run=False, raise_errors=False)


def errors_of(result):
    return {r.number: r.error_dict for r in result.invalid_rows}


def test_an_import_publishes_matters_with_their_bands(township):
    result = run([row(township), row(township, code="CG-002", name="乱扔垃圾", first_offence_exemption="否")])
    assert not result.has_errors() and not result.has_validation_errors()
    matter = PowerMatter.objects.get(township=township, code="CG-001")
    assert matter.current_version.status == PowerStatus.ACTIVE
    assert matter.current_version.channel == "handed_down" and matter.current_version.first_offence_exemption
    bands = list(matter.current_version.bands.order_by("position"))
    assert [b.tier for b in bands] == ["none", "lesser", "general", "severe"]
    assert bands[0].first_offence_only and bands[0].requires_correction and bands[2].fine_max == 14000


def test_one_bad_row_changes_nothing_and_each_bad_row_says_what_is_wrong(township):
    rows = [
        row(township),
        row(township, code="CG-002", kind="罚款单"),
        row(township, code="CG-003", bands="general | 9000-1000 | | | 一般 |"),
        row(township, code="CG-004", channel="委托", channel_reference=""),
        row(township, code="CG-005", bands="huge | 1-2 | | | x |"),
        row(township, code="CG-006", effective_from="2025-13-01"),
    ]
    result = run(rows)
    assert result.has_validation_errors()
    assert PowerMatter.objects.count() == 0
    problems = errors_of(result)
    assert "kind" in problems[2]
    assert "entrusting_organ" in problems[4] or "channel_reference" in problems[4]
    assert "bands" in problems[5] and "effective_from" in problems[6]
    assert 3 in problems  # the reversed range


def test_a_township_the_user_may_not_manage_is_refused(township):
    other = TownshipFactory()
    user = make_staff(Role.TOWNSHIP_ADMIN, township=other)
    result = PowerMatterResource(user=user).import_data(dataset([row(township)]), dry_run=False)
    assert result.has_validation_errors() and PowerMatter.objects.count() == 0
    assert "township" in errors_of(result)[1]


def test_exporting_and_reimporting_creates_no_new_version(township):
    run([row(township)])
    exported = PowerMatterResource().export()
    assert "14000-20000" in exported.csv
    again = PowerMatterResource().import_data(exported, dry_run=False)
    assert not again.has_validation_errors() and not again.has_errors()
    assert PowerMatterVersion.objects.count() == 1


def test_a_changed_row_becomes_a_new_version_and_the_old_one_is_kept(township):
    run([row(township)])
    run([row(township, legal_penalty="责令改正，处2万元以下罚款")])
    versions = PowerMatterVersion.objects.order_by("version")
    assert [v.status for v in versions] == [PowerStatus.SUPERSEDED, PowerStatus.ACTIVE]
    assert versions[0].legal_penalty == "处2万元以下罚款"


def test_the_same_matter_twice_in_one_file_is_reported(township):
    result = run([row(township), row(township)])
    assert result.has_validation_errors() and PowerMatter.objects.count() == 0
