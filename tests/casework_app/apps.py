from django.apps import AppConfig


class CaseworkTestAppConfig(AppConfig):
    name = "tests.casework_app"
    label = "casework_app"
