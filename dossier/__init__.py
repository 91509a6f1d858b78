"""Target packages: a sourced, victim-safe dossier on one person, as HTML, PDF or JSON."""

from dossier.contents import build_package
from dossier.document import SECTION_TITLES, TargetPackage
from dossier.formats import MEDIA_TYPES, file_name, render

__all__ = ["MEDIA_TYPES", "SECTION_TITLES", "TargetPackage", "build_package", "file_name", "render"]
