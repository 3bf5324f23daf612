"""Read-only admin of aid cases and the fund ledger (entries are never edited)."""

from django.contrib import admin

from .models import AidCase, AidFund, AidLedgerEntry


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AidCase)
class AidCaseAdmin(ReadOnly):
    list_display = ("reference", "organisation", "aid_type", "state", "tier", "approved_amount")
    list_filter = ("state", "aid_type", "tier")
    exclude = ("id_number", "bank_account", "household_income", "rigid_expenses", "address", "medical_details")


@admin.register(AidFund)
class AidFundAdmin(ReadOnly):
    list_display = ("organisation", "year", "budget", "balance")


@admin.register(AidLedgerEntry)
class AidLedgerEntryAdmin(ReadOnly):
    list_display = ("fund", "kind", "amount", "case", "booked_on", "balance_after")
