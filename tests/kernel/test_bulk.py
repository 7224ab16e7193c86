"""township.bulk.insert_new: many rows in one statement per page, a taken key left alone and not returned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from township.bulk import insert_new
from township.notify.models import Channel, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db


def sms(key, body="您的申请已受理"):
    return {"channel": Channel.SMS, "recipient": "13800138000", "body": body, "idempotency_key": key}


def test_new_rows_are_inserted_with_the_fields_defaults_and_their_keys_returned():
    pks = insert_new(OutboxMessage, [sms("a"), sms("b")], conflict=["idempotency_key"])
    rows = {m.idempotency_key: m for m in OutboxMessage.objects.filter(pk__in=pks)}
    assert set(rows) == {"a", "b"}
    assert rows["a"].status == OutboxStatus.PENDING and rows["a"].attempts == 0
    assert rows["a"].created_at is not None and rows["a"].subject == "" and rows["a"].township_id is None


def test_a_key_already_taken_is_left_alone_and_not_returned():
    first = insert_new(OutboxMessage, [sms("a", "第一条")], conflict=["idempotency_key"])
    again = insert_new(OutboxMessage, [sms("a", "第二条"), sms("c"), sms("c")], conflict=["idempotency_key"])
    assert len(again) == 1 and again[0] != first[0]
    assert OutboxMessage.objects.get(idempotency_key="a").body == "第一条"
    assert OutboxMessage.objects.filter(idempotency_key="c").count() == 1


def test_one_statement_per_page_and_quotes_survive():
    body = "含'引号'与%s和\\反斜杠"
    with CaptureQueriesContext(connection) as captured:
        pks = insert_new(
            OutboxMessage, [sms(f"k{i}", body) for i in range(25)], conflict=["idempotency_key"], page_size=10
        )
    assert len(pks) == 25 and len(captured) == 3
    assert set(OutboxMessage.objects.values_list("body", flat=True)) == {body}


def test_a_field_the_model_lacks_is_refused():
    with pytest.raises(ValueError, match="no fields"):
        insert_new(OutboxMessage, [{**sms("x"), "colour": "red"}])
    assert not OutboxMessage.objects.exists()


def test_instances_come_back_whole_from_the_same_statement():
    with CaptureQueriesContext(connection) as captured:
        (message,) = insert_new(OutboxMessage, [sms("whole")], conflict=["idempotency_key"], instances=True)
    assert len(captured) == 1
    assert message.pk and message.idempotency_key == "whole" and message.created_at is not None
    assert message.status == OutboxStatus.PENDING
