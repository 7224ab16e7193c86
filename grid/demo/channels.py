"""Demo reports from the channels: residents' reports in several grids and 12345 work orders at each
step, made through the real services so the numbers, clocks and timelines are what users would see."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from grid.channels.intake import receive_report
from grid.demo.events import seed_event_catalogue
from grid.events.selectors import categories_for
from grid.hotline import services as hotline
from grid.models import Grid
from grid.models.channels import EventIntake, EventSource

RESIDENT_REPORTS = [
    ("暴露垃圾", "菜场后门垃圾堆了三天，气味很大"),
    ("道路破损", "幸福路中段有个大坑，电动车容易摔"),
    ("路灯", "小区东门两盏路灯晚上不亮"),
    ("占道经营", "学校门口早上有流动摊贩占道"),
    ("违章张贴", "公交站台贴满小广告"),
]
HOTLINE_ORDERS = [
    ("emergency", "help", "自来水管爆裂", "人民路和建设路路口自来水管爆裂，水漫到路面"),
    ("general", "complaint", "夜间施工噪声", "工地每晚十点以后还在施工，影响休息"),
    ("general", "enquiry", "低保申请材料咨询", "想问申请低保需要带哪些材料"),
    ("complex", "report", "河道倾倒建筑垃圾", "南河桥下有人多次倾倒建筑垃圾"),
]


def load_demo_channels(township) -> int:
    """Idempotent: nothing is added to a township that already has channel reports."""
    seed_event_catalogue(township)
    if EventIntake.objects.filter(event__township=township).exists():
        return 0
    grids = list(Grid.objects.filter(township=township, label_lat__isnull=False).order_by("code")[:10])
    categories = {c.minor_name: c for c in categories_for(township.pk)}
    now = timezone.now()
    made = 0
    for n, (minor, text) in enumerate(RESIDENT_REPORTS):
        category = categories.get(minor) or next(iter(categories.values()), None)
        if category is None or not grids:
            break
        grid = grids[n % len(grids)]
        receive_report(
            township=township,
            source=EventSource.RESIDENT,
            category=category,
            description=text,
            latitude=float(grid.label_lat),
            longitude=float(grid.label_lng),
            phone=f"1390000{n:04d}",
            is_anonymous=n == 3,
            at=now - timedelta(hours=6 * (n + 1)),
        )
        made += 1
    for n, (urgency, kind, title, content) in enumerate(HOTLINE_ORDERS):
        grid = grids[(n + 3) % len(grids)] if grids else None
        hotline.receive_order(
            township=township,
            incoming=hotline.IncomingOrder(
                platform_order_id=f"DEMO-{township.code}-{n + 1:04d}",
                hotline_number=f"12345-{now:%Y%m%d}-{n + 1:04d}",
                urgency=urgency,
                kind=kind,
                title=title,
                content=content,
                received_at=now - timedelta(hours=n + 1),
                caller_name="王女士" if n % 2 == 0 else "李先生",
                caller_phone=f"1380000{n:04d}",
                lat=str(grid.label_lat) if grid else None,
                lng=str(grid.label_lng) if grid else None,
            ),
            source="api",
        )
        made += 1
    return made
