"""Command centre: URL map of the pages and the dashboard's JSON."""

from django.urls import path

from command_center import desk_views, views

urlpatterns = [
    path("", views.dashboard, name="command-dashboard"),
    path("wall/", views.wall, name="command-wall"),
    path("dashboard.json", views.dashboard_json, name="command-dashboard-json"),
    path("board/", views.board, name="command-board"),
    path("board/urge/", views.urge, name="command-urge"),
    path("rating/", views.rating, name="command-rating"),
    path("rating/cases/", views.rating_cases, name="command-rating-cases"),
    path("rating/export.xlsx", views.rating_export, name="command-rating-export"),
    path("urgings/", views.urgings, name="command-urgings"),
    path("dispatch/", desk_views.dispatch_desk, name="command-dispatch"),
    path("dispatch/act/", desk_views.dispatch_act, name="command-dispatch-act"),
    path("map/", desk_views.grid_map_page, name="command-grid-map"),
    path("map.json", desk_views.grid_map_json, name="command-grid-map-json"),
]
