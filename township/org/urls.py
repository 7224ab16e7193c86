from django.urls import path

from township.org import views

urlpatterns = [
    path("", views.my_township, name="org-my-township"),
]
