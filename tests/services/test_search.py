"""Catalog search: name, code, keyword, pinyin full and initials; ranked; one township's listed items."""

import pytest

from services.selectors.search import parse_query, pinyin_keys, search_items
from services.services import catalog
from tests.factories import DepartmentFactory, TownshipFactory
from tests.services.factories import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def township():
    township = TownshipFactory()
    department = DepartmentFactory(township=township)
    for name, keywords in [
        ("新生儿出生医学证明登记", "出生证"),
        ("出生登记（新生儿入户）", "落户 上户口"),
        ("城乡居民最低生活保障申请", "低保"),
        ("临时救助申请", "救急难"),
        ("个体工商户设立登记", "开店 营业执照"),
        ("食品经营许可（小餐饮）", "餐饮 饭店"),
    ]:
        make_item(department=department, name=name, keywords=keywords)
    return township


def names(results):
    return [item.current_version.name for item in results]


def test_pinyin_keys_give_full_pinyin_initials_and_the_erhua_variant():
    keys = pinyin_keys("新生儿出生医学证明登记")
    assert keys.full == "xinshengerchushengyixuezhengmingdengji"
    assert keys.initials == "xsecsyxzmdj"
    assert "xsrcsyxzmdj" in keys.alternatives
    assert pinyin_keys("食品经营许可（小餐饮）").initials == "spjyxkxcy"


@pytest.mark.parametrize("query", ["xsr", "xse", "xsecs", "XSECS", "xinshenger", "xin sheng er", "新生儿"])
def test_initials_full_pinyin_and_chinese_find_the_newborn_items(township, query):
    found = names(search_items(township=township, query=query))
    assert found[0] == "新生儿出生医学证明登记"
    assert set(found) <= {"新生儿出生医学证明登记", "出生登记（新生儿入户）"}


def test_a_name_prefix_ranks_before_a_match_inside_the_name(township):
    assert names(search_items(township=township, query="出生")) == [
        "出生登记（新生儿入户）",
        "新生儿出生医学证明登记",
    ]


def test_keywords_and_their_pinyin_find_items(township):
    assert names(search_items(township=township, query="低保")) == ["城乡居民最低生活保障申请"]
    assert names(search_items(township=township, query="dibao")) == ["城乡居民最低生活保障申请"]
    assert names(search_items(township=township, query="营业执照")) == ["个体工商户设立登记"]


def test_several_words_must_all_match(township):
    assert names(search_items(township=township, query="个体 登记")) == ["个体工商户设立登记"]
    assert search_items(township=township, query="个体 救助") == []


def test_an_exact_code_ranks_first(township):
    item = make_item(department=DepartmentFactory(township=township), name="高龄津贴申领")
    for code in (item.basic_code, item.implementation_code, item.implementation_code.lower()):
        results = search_items(township=township, query=code)
        assert results[0] == item
        assert results[0].search_rank == 0


def test_search_covers_only_the_townships_listed_items(township):
    other = TownshipFactory()
    make_item(department=DepartmentFactory(township=other), name="新生儿出生医学证明登记")
    draft = make_item(
        department=DepartmentFactory(township=township), name="新生儿疫苗接种登记", publish=False
    )
    withdrawn = make_item(department=DepartmentFactory(township=township), name="新生儿名字变更")
    catalog.withdraw_item(item=withdrawn)

    found = search_items(township=township, query="xse")
    assert {item.township_id for item in found} == {township.pk}
    assert draft not in found and withdrawn not in found


def test_a_revision_is_found_by_its_new_name_once_published(township):
    item = search_items(township=township, query="临时救助")[0]
    draft = catalog.revise_item(item=item, changes={"name": "急难型临时救助申请"})
    assert search_items(township=township, query="jnx") == []
    catalog.publish_version(version=draft)
    assert search_items(township=township, query="jnx") == [item]


def test_empty_and_wildcard_queries_find_nothing(township):
    assert search_items(township=township, query="   ") == []
    assert search_items(township=township, query="%") == []
    assert not parse_query("_")


def test_the_limit_caps_the_results(township):
    assert len(search_items(township=township, query="d", limit=2)) == 2
