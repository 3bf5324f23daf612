"""API shapes of notifications and the e-mail preference (input validation only)."""

from rest_framework import serializers

from workflow.api.parsing import BooleanField

from .models import Notification, NotificationPreference


class NotificationSerializer(serializers.ModelSerializer):
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "title", "body", "case_ref", "process_key", "case_id", "url",
            "created_at", "read_at", "done_at", "unread",
        ]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class PreferenceSerializer(serializers.ModelSerializer):
    # Strict: a form body without the field is refused, not read as "e-mail off".
    email_enabled = BooleanField(required=True)

    class Meta:
        model = NotificationPreference
        fields = ["email_enabled"]


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
