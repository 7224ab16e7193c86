"""Grid: URL map of the pages."""

from django.urls import path

from grid.hotline import views as hotline_views

urlpatterns = [
    # --- hotline work orders ---
    path("hotline/", hotline_views.order_list, name="grid-hotline-orders"),
    path("hotline/import/", hotline_views.import_orders_page, name="grid-hotline-import"),
    path("hotline/<int:pk>/", hotline_views.order_detail, name="grid-hotline-order"),
    path("hotline/<int:pk>/<slug:action>/", hotline_views.order_action, name="grid-hotline-action"),
    # --- end hotline ---
]
