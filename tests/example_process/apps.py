from django.apps import AppConfig


class ExampleProcessConfig(AppConfig):
    name = "tests.example_process"
    label = "example_process"

    def ready(self):
        from . import process  # noqa: F401  (registers the process)
