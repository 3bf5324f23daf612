"""The workflow engine: organisations and roles, the transition gate, the audit log,
deadlines, notifications, the inbox and the generic API. It never imports a process."""
