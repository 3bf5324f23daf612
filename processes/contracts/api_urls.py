"""API routes of the contracts process, mounted under /api/v1/ (``ProcessSpec.api_urls``)."""

from django.urls import path

from .api import ContractFilingPDFAPIView, ContractPublishedAPIView, ContractRegisterAPIView

urlpatterns = [
    path("contracts/register/", ContractRegisterAPIView.as_view(), name="contracts-register"),
    path("contracts/<int:pk>/published/", ContractPublishedAPIView.as_view(), name="contracts-published"),
    path("contracts/<int:pk>/filing.pdf", ContractFilingPDFAPIView.as_view(), name="contracts-filing-pdf"),
]
