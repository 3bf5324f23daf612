"""Web pages: the notification list with mark-as-read, and the e-mail preference form.

Thin views: each reads the request, calls one service, and renders or redirects.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from workflow.errors import NotVisible

from . import services

PAGE_SIZE = 50


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(label=_("通过邮件接收通知 Receive notifications by e-mail"), required=False)


class NotificationListPage(View):
    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        rows = services.notification_list(user=request.user, unread_only=unread_only)[:PAGE_SIZE]
        pref = services.preference_get(user=request.user)
        return render(
            request,
            "notifications/list.html",
            {
                "notifications": rows,
                "unread_only": unread_only,
                "unread_total": services.unread_count(user=request.user),
                "preference_form": PreferenceForm(initial={"email_enabled": pref.email_enabled}),
            },
        )


class NotificationReadPage(View):
    def post(self, request, pk: int):
        try:
            row = services.notification_mark_read(user=request.user, notification_id=pk)
        except NotVisible:
            raise Http404 from None
        if request.POST.get("open") and row.url.startswith("/"):
            return redirect(row.url)
        return redirect("notifications:list")


class NotificationReadAllPage(View):
    def post(self, request):
        services.notification_mark_all_read(user=request.user)
        return redirect("notifications:list")


class PreferencePage(View):
    def post(self, request):
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.preference_update(user=request.user, email_enabled=form.cleaned_data["email_enabled"])
            messages.success(request, _("已保存 Saved."))
        return redirect("notifications:list")
