"""Work for tests.concurrency.in_processes: a device alert received in its own process (a second worker)."""

from __future__ import annotations


def receive_alert(client_pk: int, at_iso: str) -> tuple[int, bool]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.dateparse import parse_datetime

    from grid.channels.devices import receive_device_alert
    from grid.models.channels import Device
    from grid.open311.mapping import services_of
    from township.org.models import ApiClient

    client = ApiClient.objects.select_related("township").get(pk=client_pk)
    device = Device.objects.get(township=client.township)
    category = next(c for c in services_of(client.township) if c.minor_name == "暴露垃圾")
    event, created = receive_device_alert(
        client=client,
        device=device.code,
        category=category.code,
        at=parse_datetime(at_iso),
        latitude=device.latitude,
        longitude=device.longitude,
        snapshot=SimpleUploadedFile("s.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64),
    )
    return event.pk, created
