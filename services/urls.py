"""Services: URL map of every page of the app, grouped by topic."""

from django.urls import include, path

from services.views import (
    catalog,
    evaluations,
    files,
    hall,
    hall_auth,
    kiosk,
    points,
    queue,
    tracking,
    workbench,
)

urlpatterns = [
    # Catalog: search, service guides (and their versions), bundles, blank forms and samples
    path("", catalog.search, name="services-search"),
    path("items/<str:code>/", catalog.guide, name="services-guide"),
    path("items/<str:code>/v<int:number>/", catalog.guide_version, name="services-guide-version"),
    path("bundles/<int:pk>/", catalog.bundle, name="services-bundle"),
    path("materials/<int:pk>/<str:kind>/", catalog.material_file, name="services-material-file"),
    # Window workbench: intake, pre-review of online applications, result delivery
    path(
        "workbench/",
        include(
            [
                path("", workbench.workbench, name="services-workbench"),
                path("items/", workbench.item_search, name="services-workbench-items"),
                path("checklist/", workbench.checklist, name="services-workbench-checklist"),
                path("applicant/", workbench.applicant_lookup, name="services-workbench-applicant"),
                path("find/", workbench.find, name="services-workbench-find"),
                path("pre-review/", workbench.prereview, name="services-prereview"),
                path("delivery/", workbench.delivery, name="services-delivery"),
                path("applications/<int:pk>/", workbench.done, name="services-workbench-done"),
                path("applications/<int:pk>/intake/", workbench.intake, name="services-workbench-intake"),
            ]
        ),
    ),
    # Online hall: a resident's drafts, uploads, submissions, appointments and library
    path(
        "hall/",
        include(
            [
                path("", hall.hall, name="services-hall"),
                path("apply/<str:code>/", hall.apply, name="services-hall-apply"),
                path("apply/bundle/<int:bundle_pk>/", hall.apply, name="services-hall-apply-bundle"),
                path("applications/<int:pk>/", hall.application_detail, name="services-hall-application"),
                path("applications/<int:pk>/autosave/", hall.autosave, name="services-hall-autosave"),
                path("applications/<int:pk>/check/", hall.check, name="services-hall-check"),
                path("applications/<int:pk>/upload/", hall.upload, name="services-hall-upload"),
                path(
                    "applications/<int:pk>/materials/<int:material_pk>/remove/",
                    hall.remove_upload,
                    name="services-hall-remove",
                ),
                path("applications/<int:pk>/submit/", hall.submit, name="services-hall-submit"),
                path("applications/<int:pk>/withdraw/", hall.withdraw, name="services-hall-withdraw"),
                path("applications/<int:pk>/delete/", hall.delete, name="services-hall-delete"),
                path("appointments/", hall.appointments, name="services-appointments"),
                path("library/", hall.library, name="services-library"),
                path("library/<int:pk>/", hall.library_file, name="services-library-file"),
            ]
        ),
    ),
    # Online hall accounts: sign-in and profile
    path(
        "hall/account/",
        include(
            [
                path("sign-in/", hall_auth.sign_in, name="services-hall-sign-in"),
                path("profile/", hall_auth.profile, name="services-hall-profile"),
                path("sign-out/", hall_auth.sign_out, name="services-hall-sign-out"),
            ]
        ),
    ),
    # Application documents and uploaded material files (checked per user)
    path(
        "files/",
        include(
            [
                path(
                    "applications/<int:pk>/<str:kind>.pdf",
                    files.document,
                    name="services-application-document",
                ),
                path("materials/<int:pk>/", files.material_file, name="services-application-file"),
            ]
        ),
    ),
    # Public tracking by number and query code
    path(
        "track/",
        include(
            [
                path("", tracking.track, name="services-track"),
                path("result.pdf", tracking.result_pdf, name="services-track-result"),
            ]
        ),
    ),
    # Queue: kiosk tickets, hall display, the window's call panel, statistics
    path(
        "queue/",
        include(
            [
                path("kiosk/", queue.kiosk, name="services-kiosk"),
                path("kiosk/check-in/", queue.checkin, name="services-checkin"),
                path("kiosk/tickets/<int:pk>/", queue.kiosk_ticket, name="services-kiosk-ticket"),
                path("display/", queue.display, name="services-hall-display"),
                path("panel/", queue.panel, name="services-queue-panel"),
                path("panel/call-next/", queue.call_next, name="services-queue-call-next"),
                path("panel/recall/", queue.recall, name="services-queue-recall"),
                path("panel/skip/", queue.skip, name="services-queue-skip"),
                path("panel/finish/", queue.finish, name="services-queue-finish"),
                path("panel/transfer/", queue.transfer, name="services-queue-transfer"),
                path("stats/", queue.stats, name="services-queue-stats"),
            ]
        ),
    ),
    # Evaluations 好差评 and their rectifications
    path(
        "evaluations/",
        include(
            [
                path(
                    "applications/<int:pk>/",
                    evaluations.evaluate_application,
                    name="services-evaluate-application",
                ),
                path("r/<str:token>/", evaluations.evaluate_token, name="services-evaluate-token"),
                path("window/", evaluations.evaluate_window, name="services-evaluate-window"),
                path("ratings/", evaluations.ratings_page, name="services-ratings"),
                path("rectifications/", evaluations.rectification_list, name="services-rectifications"),
                path(
                    "rectifications/<int:pk>/",
                    evaluations.rectification_detail,
                    name="services-rectification",
                ),
                path(
                    "rectifications/<int:pk>/<str:action>/",
                    evaluations.rectification_action,
                    name="services-rectification-action",
                ),
            ]
        ),
    ),
    # Village service points: forwarded papers, home visits, statistics per point
    path(
        "points/",
        include(
            [
                path("handovers/", points.handovers, name="services-handovers"),
                path("handovers/send/", points.handover_send, name="services-handover-send"),
                path(
                    "handovers/<int:pk>/receive/", points.handover_receive, name="services-handover-receive"
                ),
                path("handovers/<int:pk>.pdf", points.handover_pdf, name="services-handover-pdf"),
                path("home-visits/", points.home_visits, name="services-home-visits"),
                path("home-visits/<int:pk>/", points.home_visit, name="services-home-visit"),
                path("statistics/", points.point_stats, name="services-point-stats"),
            ]
        ),
    ),
    # Self-service terminal (a terminal account's sessions stay under this prefix and the queue kiosk)
    path(
        "terminal/",
        include(
            [
                path("", kiosk.home, name="services-terminal"),
                path("items/", kiosk.search, name="services-terminal-search"),
                path("items/<str:code>/", kiosk.guide, name="services-terminal-guide"),
                path("track/", kiosk.track, name="services-terminal-track"),
                path("track/by-id/", kiosk.track_by_id, name="services-terminal-track-id"),
                path("print/<str:kind>/", kiosk.print_document, name="services-terminal-print"),
                path("printed/<str:number>/", kiosk.printed, name="services-terminal-printed"),
                path("printed/<str:number>.pdf", kiosk.printed_pdf, name="services-terminal-printed-pdf"),
            ]
        ),
    ),
]
