"""API routes of the aid process, mounted under /api/v1/ (``ProcessSpec.api_urls``)."""

from django.urls import path

from .api import AidBudgetAPIView, AidLedgerAPIView, AidNoticesAPIView, AidObjectAPIView

urlpatterns = [
    path("aid/notices/", AidNoticesAPIView.as_view(), name="aid-notices"),
    path("aid/notices/<int:pk>/object/", AidObjectAPIView.as_view(), name="aid-notice-object"),
    path("aid/ledger/", AidLedgerAPIView.as_view(), name="aid-ledger"),
    path("aid/ledger/budget/", AidBudgetAPIView.as_view(), name="aid-ledger-budget"),
]
