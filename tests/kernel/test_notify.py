"""Notifications: the outbox, idempotency, validation, and retries through a real worker and HTTP gateway."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import TownshipFactory
from township.celery import app
from township.notify import services
from township.notify.backends import FileBackend, outbox_filename
from township.notify.models import OutboxMessage, OutboxStatus
from township.notify.services import IdempotencyConflict, send_email, send_sms
from township.notify.tasks import deliver_message, resend_pending

pytestmark = pytest.mark.django_db


class Gateway:
    """A real HTTP SMS gateway on 127.0.0.1: fails the first `failures` requests, answers after `delay`."""

    def __init__(self, *, failures=1, delay=0.0):
        self.failures = failures
        self.delay = delay
        self.requests = []  # (headers, json body) of every request, in order
        self.accepted = []  # keys of the requests answered 200
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append((dict(self.headers), body))
                    fail = len(gateway.requests) <= gateway.failures
                if gateway.delay:
                    time.sleep(gateway.delay)
                if fail:
                    self.send_response(500)
                    self.end_headers()
                    self.wfile.write(b"upstream carrier unavailable")
                    return
                with gateway.lock:
                    gateway.accepted.append(self.headers["Idempotency-Key"])
                    provider_id = f"gw-{len(gateway.accepted)}"
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"id": provider_id}).encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def outbox(settings, tmp_path):
    settings.NOTIFY_OUTBOX_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def gateway(settings):
    gw = Gateway()
    settings.NOTIFY_BACKENDS = {
        **settings.NOTIFY_BACKENDS,
        "sms": "township.notify.backends.HttpGatewayBackend",
    }
    settings.SMS_GATEWAY_URL = gw.url
    settings.SMS_GATEWAY_TOKEN = "gateway-token-123"
    settings.SMS_GATEWAY_TIMEOUT = 2.0
    settings.SMS_SIGN_NAME = "青石镇便民服务中心"
    yield gw
    gw.close()


@pytest.fixture
def eager_tasks():
    """Tasks queued by on_commit run in this process, so a test sees the whole send without a broker."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def counted_sends(monkeypatch):
    sent = []
    original = FileBackend.send

    def send(self, message):
        sent.append(message.idempotency_key)
        return original(self, message)

    monkeypatch.setattr(FileBackend, "send", send)
    return sent


def test_the_file_backend_writes_one_readable_file_per_message(outbox, django_capture_on_commit_callbacks):
    township = TownshipFactory(name="青石镇")
    with django_capture_on_commit_callbacks(execute=False):
        message = send_sms(to="+86 138 0000 0001", body="您的申请已受理。", key="accept:1", township=township)
    assert services.deliver(message_id=message.pk).status == "sent"

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at and message.attempts == 1
    files = list((outbox / "sms").iterdir())
    assert [f.name for f in files] == [outbox_filename("accept:1")]
    text = files[0].read_text(encoding="utf-8")
    assert "To: 13800000001" in text and "Key: accept:1" in text and "Township: 青石镇" in text
    assert text.rstrip().endswith("您的申请已受理。")
    assert message.provider_message_id == f"file:sms/{files[0].name}"


def test_keys_that_differ_only_in_odd_characters_get_different_files():
    assert outbox_filename("case/1") != outbox_filename("case:1")
    assert outbox_filename("plain-key_1.x") == "plain-key_1.x.txt"


def test_the_same_key_twice_gives_one_row_one_file_and_one_send(
    outbox, eager_tasks, counted_sends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as first_callbacks:
        first = send_sms(to="13800000001", body="材料已收到。", key="received:7")
    with django_capture_on_commit_callbacks(execute=True) as second_callbacks:
        second = send_sms(to="13800000001", body="材料已收到。", key="received:7")

    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1
    assert len(first_callbacks) == 1 and second_callbacks == []  # already sent: nothing queued
    assert counted_sends == ["received:7"]
    assert len(list((outbox / "sms").iterdir())) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_an_email_goes_through_the_file_backend(outbox, eager_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = send_email(
            to="resident@example.com", subject="办件结果", body="您的申请已办结。", key="mail:1"
        )
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    text = (outbox / "email" / outbox_filename("mail:1")).read_text(encoding="utf-8")
    assert "Subject: 办件结果" in text and "To: resident@example.com" in text


def test_delivering_a_sent_message_again_sends_nothing(outbox, counted_sends):
    message = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="once"
    )
    assert services.deliver(message_id=message.pk).status == "sent"
    assert services.deliver(message_id=message.pk).status == "skipped"
    assert deliver_message.apply(args=[message.pk]).get() == "skipped"
    assert services.deliver(message_id=999_999_999).status == "skipped"  # a row that is gone
    assert counted_sends == ["once"]


def test_a_key_reused_for_another_recipient_is_a_bug_and_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        send_sms(to="13800000001", body="a", key="dup")
        with pytest.raises(IdempotencyConflict):
            send_sms(to="13900000002", body="a", key="dup")
    assert OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"to": "12345", "body": "hi", "key": "a"}, "to", "11-digit"),
        ({"to": "23800000001", "body": "hi", "key": "a"}, "to", "11-digit"),
        ({"to": "13800000001", "body": "   ", "key": "b"}, "body", "empty"),
        ({"to": "13800000001", "body": "x" * 501, "key": "c"}, "body", "500"),
        ({"to": "13800000001", "body": "hi", "key": " "}, "key", "idempotency key"),
        ({"to": "13800000001", "body": "hi", "key": "k" * 201}, "key", "idempotency key"),
    ],
)
def test_bad_sms_input_is_refused_clearly_and_records_nothing(kwargs, field, fragment):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        send_sms(**kwargs)
    assert fragment in " ".join(excinfo.value.message_dict[field])
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "not-an-address", "subject": "s", "body": "b", "key": "e1"}, "to"),
        ({"to": "a@example.com", "subject": " ", "body": "b", "key": "e2"}, "subject"),
        ({"to": "a@example.com", "subject": "s", "body": "", "key": "e3"}, "body"),
    ],
)
def test_bad_email_input_is_refused_clearly_and_records_nothing(kwargs, field):
    with pytest.raises(ValidationError) as excinfo:
        send_email(**kwargs)
    assert field in excinfo.value.message_dict
    assert not OutboxMessage.objects.exists()


def test_a_gateway_timeout_is_recorded_and_the_message_stays_pending(gateway, settings):
    gateway.failures = 0
    gateway.delay = 1.5
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    message = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="slow:1"
    )
    outcome = services.deliver(message_id=message.pk)

    message.refresh_from_db()
    assert outcome.should_retry and outcome.attempts == 1
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "did not answer within 0.3 s" in message.last_error


def test_an_unreachable_gateway_is_recorded(gateway, settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    message = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="u1"
    )
    services.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert "unreachable" in message.last_error and message.status == OutboxStatus.PENDING


def test_after_the_last_attempt_the_message_is_marked_failed(gateway, settings):
    gateway.failures = 100
    settings.NOTIFY_MAX_ATTEMPTS = 3
    message = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="m1"
    )
    # apply() runs Celery's retries in-process, one after another
    assert deliver_message.apply(args=[message.pk]).get() == "failed"

    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "HTTP 500" in message.last_error and "upstream carrier unavailable" in message.last_error
    assert [headers["Idempotency-Key"] for headers, _body in gateway.requests] == ["m1"] * 3


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_after_a_gateway_error_and_the_gateway_accepts_once(gateway):
    app.control.purge()  # tasks other tests may have left in this worker's Redis database
    township = TownshipFactory()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        # transaction=True: send_sms runs in autocommit, so its on_commit hook queues the task at once
        message = send_sms(
            to="13800000001", body="您的申请已办结，请到窗口领取。", key="done:42", township=township
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status == OutboxStatus.SENT:
                break
            time.sleep(0.1)
        assert deliver_message.delay(message.pk).get(timeout=20) == "skipped"

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    assert message.attempts == 2
    assert "HTTP 500" in message.last_error  # the failure stays on record after the success
    assert message.provider_message_id == "gw-1"
    assert [headers["Idempotency-Key"] for headers, _body in gateway.requests] == ["done:42", "done:42"]
    assert gateway.accepted == ["done:42"]
    headers, body = gateway.requests[-1]
    assert headers["Authorization"] == "Bearer gateway-token-123"
    assert body == {
        "to": "13800000001",
        "body": "您的申请已办结，请到窗口领取。",
        "sign": "青石镇便民服务中心",
        "key": "done:42",
    }


def test_resend_pending_requeues_only_stale_messages_once(django_capture_on_commit_callbacks):
    old = timezone.now() - timedelta(minutes=11)
    stale = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="s1"
    )
    stuck = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="s2", status=OutboxStatus.SENDING
    )
    fresh = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="s3"
    )
    failed = OutboxMessage.objects.create(
        channel="sms", recipient="13800000001", body="x", idempotency_key="s4", status=OutboxStatus.FAILED
    )
    OutboxMessage.objects.filter(pk__in=[stale.pk, stuck.pk, failed.pk]).update(updated_at=old)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert resend_pending.apply().get() == 2
        assert resend_pending.apply().get() == 0  # the first run stamped them
    assert len(callbacks) == 2
    statuses = dict(OutboxMessage.objects.values_list("idempotency_key", "status"))
    assert statuses == {"s1": "pending", "s2": "pending", "s3": "pending", "s4": "failed"}
    assert fresh.pk not in services.requeue_stale_messages()


def test_the_admin_lists_messages_read_only_and_retries_failed_ones(
    admin_client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(5):
        OutboxMessage.objects.create(
            channel="sms",
            recipient=f"1380000000{n}",
            body="x",
            idempotency_key=f"a{n}",
            township=TownshipFactory(),
        )
    failed = OutboxMessage.objects.create(
        channel="sms",
        recipient="13800000009",
        body="x",
        idempotency_key="f1",
        status=OutboxStatus.FAILED,
        attempts=6,
        last_error="HTTP 500",
    )
    url = reverse("admin:notify_outboxmessage_changelist")
    with django_assert_max_num_queries(12):
        page = admin_client.get(url, {"status__exact": "failed"})
    assert page.status_code == 200 and "138****0009" in page.content.decode()
    assert admin_client.get(reverse("admin:notify_outboxmessage_add")).status_code == 403

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(
            url,
            {
                "action": "retry_failed",
                "_selected_action": [failed.pk, *OutboxMessage.objects.values_list("pk", flat=True)[:2]],
            },
        )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING and failed.attempts == 0 and failed.last_error == "HTTP 500"
    assert len(callbacks) == 1


def test_many_sms_are_queued_in_bulk_once_and_bad_numbers_are_skipped(django_capture_on_commit_callbacks):
    from township.notify.services import send_sms_many

    township = TownshipFactory()
    batch = [
        ("13800000001", "第一条", "bulk:1", township),
        ("13800000002", "第二条", "bulk:2", township),
        ("12345", "号码不对", "bulk:3", township),
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send_sms_many(batch) == 2
    assert len(callbacks) == 1  # the new messages go to the workers as one batch
    assert set(OutboxMessage.objects.values_list("idempotency_key", flat=True)) == {"bulk:1", "bulk:2"}
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert send_sms_many(batch) == 0
    assert again == [] and OutboxMessage.objects.count() == 2


def test_a_batch_queued_together_is_delivered_by_one_task():
    from township.notify.tasks import deliver_messages

    ids = [
        OutboxMessage.objects.create(
            channel="sms", recipient=f"1380000000{n}", body="x", idempotency_key=f"b{n}"
        ).pk
        for n in range(3)
    ]
    result = deliver_messages.apply(args=[ids]).get()
    assert result == {"sent": 3}
    assert OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENT).count() == 3
