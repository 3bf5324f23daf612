"""Web UI routes of the contracts process, mounted at the site root (``ProcessSpec.ui_urls``)."""

from django.urls import path

from .views import ContractFilingPDFPage, ContractPublishedPage, ContractRegisterPage

urlpatterns = [
    path("contracts/register/", ContractRegisterPage.as_view(), name="contracts-register-page"),
    path("contracts/<int:pk>/published/", ContractPublishedPage.as_view(), name="contracts-published-page"),
    path("contracts/<int:pk>/filing.pdf", ContractFilingPDFPage.as_view(), name="contracts-filing-pdf-page"),
]
