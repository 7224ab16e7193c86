from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "township.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from township.documents import checks, types  # noqa: F401 - registers the check and the kernel types
