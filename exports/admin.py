"""Imported by Django's admin autodiscovery: the exports' admin lives in exports/office/."""

from .office import admin  # noqa: F401 - registers the ModelAdmins and the export pages' URLs
