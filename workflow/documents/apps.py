from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "workflow.documents"
    label = "documents"
    verbose_name = _("文件与签名 Documents and signatures")
    default_auto_field = "django.db.models.BigAutoField"
