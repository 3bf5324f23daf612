"""Web UI routes of the aid process, mounted at the site root (``ProcessSpec.ui_urls``)."""

from django.urls import path

from .views import AidLedgerPage, AidNoticesPage

urlpatterns = [
    path("aid/notices/", AidNoticesPage.as_view(), name="aid-notices-page"),
    path("aid/ledger/", AidLedgerPage.as_view(), name="aid-ledger-page"),
]
