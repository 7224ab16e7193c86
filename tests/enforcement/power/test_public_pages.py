"""The published power list (art. 39) and the procedure page: no sign-in, search, filters, few queries."""

import pytest

from enforcement.power import services
from tests.enforcement.power.factories import make_matter
from tests.factories import TownshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    township = TownshipFactory(code="320999101", name="青石镇", short_code="QSP")
    make_matter(township=township, code="CG-001")
    make_matter(
        township=township,
        code="XF-001",
        name="占用、堵塞、封闭疏散通道",
        domain="消防",
        source_department="江南县消防救援大队",
        channel="entrusted",
        channel_reference="江XF委〔2025〕1号",
        entrusting_organ="江南县消防救援大队",
        entrusted_until="2027-12-31",
        issuing_organ_name="江南县消防救援大队",
        violated_provision="《中华人民共和国消防法》第二十八条",
    )
    make_matter(township=township, code="CG-009", name="尚未发布的草稿事项", publish=False)
    return township


def test_anyone_sees_the_published_list_without_signing_in(client, township):
    page = client.get("/enforcement/powers/", {"township": township.code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "擅自占用城市道路经营" in html and "占用、堵塞、封闭疏散通道" in html
    assert "尚未发布的草稿事项" not in html


def test_search_and_filters_by_domain_department_and_kind(client, township):
    def names(**params):
        return client.get("/enforcement/powers/", {"township": township.code, **params}).content.decode()

    assert "疏散通道" in names(q="消防法") and "城市道路" not in names(q="消防法")
    assert "疏散通道" not in names(domain="城管") and "城市道路" in names(domain="城管")
    assert "疏散通道" in names(department="江南县消防救援大队") and "城市道路" not in names(
        department="江南县消防救援大队"
    )
    assert "城市道路" in names(kind="penalty") and "疏散通道" in names(kind="penalty")
    assert "城市道路" not in names(kind="inspection")


def test_the_htmx_request_gets_only_the_results(client, township):
    page = client.get(
        "/enforcement/powers/", {"township": township.code, "q": "道路"}, HTTP_HX_REQUEST="true"
    )
    html = page.content.decode()
    assert "<html" not in html and "擅自占用城市道路经营" in html


def test_bad_input_is_answered_without_a_500(client, township):
    assert client.get("/enforcement/powers/", {"township": "nowhere"}).status_code == 404
    assert client.get("/enforcement/powers/", {"township": "\x00"}).status_code in (400, 404)
    assert client.get("/enforcement/powers/", {"township": township.code, "q": "a\x00b"}).status_code == 400
    page = client.get("/enforcement/powers/", {"township": township.code, "kind": "bogus", "q": "x" * 5000})
    assert page.status_code == 200


def test_the_list_takes_the_same_number_of_queries_for_more_matters(
    client, township, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as few:
        client.get("/enforcement/powers/", {"township": township.code})
    for index in range(10, 30):
        make_matter(township=township, code=f"SJ-{index:03d}", name=f"市场监管事项{index}", domain="市场监管")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/enforcement/powers/", {"township": township.code})
    assert "市场监管事项29" in page.content.decode()


def test_the_matter_page_shows_basis_channel_and_bands(client, township):
    page = client.get(f"/enforcement/powers/{township.code}/XF-001/")
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "《中华人民共和国消防法》第二十八条" in html and "江XF委〔2025〕1号" in html and "2027-12-31" in html
    )
    city = client.get(f"/enforcement/powers/{township.short_code}/CG-001/").content.decode()
    assert "4000–12000" in city  # the Chinese locale writes no thousands separator


def test_a_draft_a_recalled_or_another_townships_matter_is_not_found(client, township):
    assert client.get(f"/enforcement/powers/{township.code}/CG-009/").status_code == 404
    other = TownshipFactory()
    make_matter(township=other, code="ZZ-001")
    assert client.get(f"/enforcement/powers/{township.code}/ZZ-001/").status_code == 404
    services.recall_matter(matter=township.powermatter_set.get(code="CG-001"))
    assert client.get(f"/enforcement/powers/{township.code}/CG-001/").status_code == 404
    assert client.get("/enforcement/powers/nowhere/CG-001/").status_code == 404


def test_the_procedure_page_states_the_configured_limits_and_remedies(client, township):
    html = client.get("/enforcement/procedure/", {"township": township.code}).content.decode()
    assert "15" in html and "90" in html and "60" in html
    assert "3000" in html and "20000" in html


def test_the_list_works_at_phone_width_markup(client, township):
    html = client.get("/enforcement/powers/", {"township": township.code}).content.decode()
    assert 'name="viewport"' in html and "style=" not in html.split("<main")[1]
