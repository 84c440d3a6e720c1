from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "macehub.library"
    label = "library"
    verbose_name = "Tools and templates library"
