"""Excel import of work orders: every fault named by row and column, all or nothing, no duplicates."""

import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from grid.hotline.errors import HotlineError
from grid.hotline.importer import ImportRefused, import_orders
from grid.models.hotline import HotlineOrder, HotlineSource
from tests.factories import TownshipFactory, make_staff
from tests.grid.events.helpers import SHANGHAI
from township.org.roles import Role

pytestmark = pytest.mark.django_db
HEADER = ["工单编号", "热线单号", "紧急程度", "诉求类型", "标题", "诉求内容", "来电时间", "联系电话", "纬度"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def workbook(rows, header=HEADER, name="orders.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def good_row(n, **overrides):
    row = [
        f"GD{n:06d}",
        f"12345-{n:06d}",
        "一般",
        "投诉",
        "占道经营",
        "菜场门口占道",
        datetime(2026, 11, 30, 9, n % 60),
        "13800001234",
        "31.9",
    ]
    for index, value in overrides.items():
        row[int(index)] = value
    return row


def test_a_clean_file_is_imported_and_importing_it_again_adds_nothing():
    township = TownshipFactory()
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    report = import_orders(township=township, upload=workbook([good_row(n) for n in range(5)]), by=centre)
    assert (report.created, report.already_received) == (5, 0)
    assert set(HotlineOrder.objects.values_list("source", flat=True)) == {HotlineSource.IMPORT}
    order = HotlineOrder.objects.get(platform_order_id="GD000003")
    assert order.urgency == "general" and order.kind == "complaint"
    report = import_orders(township=township, upload=workbook([good_row(n) for n in range(7)]), by=centre)
    assert (report.created, report.already_received) == (2, 5)
    assert HotlineOrder.objects.count() == 7


def test_a_file_with_faults_imports_nothing_and_names_each_fault():
    township = TownshipFactory()
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    rows = [
        good_row(1),
        good_row(2, **{"2": "很急"}),
        good_row(3, **{"8": "95"}),
        good_row(1),
        good_row(4, **{"6": "昨天"}),
    ]
    with pytest.raises(ImportRefused) as refused:
        import_orders(township=township, upload=workbook(rows), by=centre)
    faults = {(row, column) for row, column, _message in refused.value.report.errors}
    assert faults == {(3, "紧急程度"), (4, "纬度"), (5, "工单编号"), (6, "来电时间")}
    assert not HotlineOrder.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("orders.csv", b"a,b"), "Excel file"),
        (SimpleUploadedFile("orders.xlsx", b"PK not really a zip"), "not a real Excel"),
        (workbook([good_row(1)], header=["工单编号", "标题"]), "columns are missing"),
    ],
)
def test_files_that_are_not_order_sheets_are_refused_clearly(upload, message):
    township = TownshipFactory()
    with pytest.raises(HotlineError, match=message):
        import_orders(township=township, upload=upload, by=make_staff(Role.COMMAND_CENTRE, township=township))


def test_the_import_page_is_the_centres_and_shows_the_faults(client):
    township = TownshipFactory()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_staff(Role.ENFORCEMENT_OFFICER, township=township))
    assert client.get(reverse("grid-hotline-import")).status_code == 403
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=township))
    answer = client.post(reverse("grid-hotline-import"), {"file": workbook([good_row(1, **{"2": "很急"})])})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "nothing was imported" in page and "紧急程度" in page
    answer = client.post(reverse("grid-hotline-import"), {"file": workbook([good_row(1)])})
    assert answer.status_code == 200 and "Imported: 1." in answer.content.decode()


def test_an_imported_order_is_received_as_one_taken_through_the_api_is(monkeypatch):
    """The bulk path writes what `receive_order` writes: a number of the series, the receive entry and
    the dispatch deadline with its timeline entry, in a chain that verifies."""
    from grid.hotline import importer, limits  # noqa: PLC0415
    from township.casework.deadlines import open_deadlines  # noqa: PLC0415
    from township.casework.timeline import entries_for, verify_timelines  # noqa: PLC0415

    monkeypatch.setattr(importer, "CHUNK", 2)  # three transactions for five rows
    township = TownshipFactory()
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    rows = [good_row(n, **({"2": "紧急"} if n == 4 else {})) for n in range(5)]
    import_orders(township=township, upload=workbook(rows), by=centre)
    orders = list(HotlineOrder.objects.order_by("number"))
    serials = [int(order.number.rsplit("-", 1)[1]) for order in orders]
    assert serials == list(range(serials[0], serials[0] + 5))
    emergency = HotlineOrder.objects.get(platform_order_id="GD000004")
    [deadline] = open_deadlines(emergency)
    assert (deadline.kind, deadline.limit_value, deadline.limit_unit) == (
        "dispatch",
        *limits.limit("emergency", "dispatch"),
    )
    general = open_deadlines(HotlineOrder.objects.get(platform_order_id="GD000000")).get()
    assert general.due_at > deadline.due_at
    actions = [e.action for e in entries_for(emergency, include_internal=True)]
    assert actions == ["receive", "deadline-open"]
    assert not verify_timelines()


def test_an_order_the_api_received_meanwhile_is_not_made_twice_by_the_import():
    from grid.hotline import services as hotline  # noqa: PLC0415
    from grid.hotline.importer import _take_in  # noqa: PLC0415

    township = TownshipFactory()
    centre = make_staff(Role.COMMAND_CENTRE, township=township)
    incoming = hotline.IncomingOrder(
        platform_order_id="GD000001",
        hotline_number="12345-000001",
        urgency="general",
        kind="complaint",
        title="占道经营",
        content="菜场门口占道",
        received_at=datetime(2026, 11, 30, 9, 1, tzinfo=SHANGHAI),
    )
    values = [hotline.clean_incoming(incoming), hotline.clean_incoming(incoming)]
    values[1]["platform_order_id"] = "GD000002"
    hotline.receive_order(township=township, incoming=incoming, source=HotlineSource.API)
    assert _take_in(township, values, by=centre, at=datetime(2026, 11, 30, 10, tzinfo=SHANGHAI)) == (1, 1)
    assert sorted(HotlineOrder.objects.values_list("platform_order_id", "source")) == [
        ("GD000001", "api"),
        ("GD000002", "import"),
    ]


def test_a_file_that_is_not_a_spreadsheet_is_refused_once_next_to_the_field(client):
    township = TownshipFactory()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(make_staff(Role.COMMAND_CENTRE, township=township))
    fake = SimpleUploadedFile("orders.xlsx", b"PK not really a zip")
    answer = client.post(reverse("grid-hotline-import"), {"file": fake})
    assert answer.status_code == 400
    assert answer.context["form"].errors == {"file": ["This is not a real Excel file."]}
    assert answer.content.decode().count("This is not a real Excel file.") == 1
    assert not HotlineOrder.objects.exists()
