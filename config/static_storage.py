"""Production's static files storage: whitenoise's hashed, compressed files, with one exception.

viewflow 2.4 ships ``roboto-fontface.css`` under ``css/roboto/`` pointing at ``./Roboto-*.woff2``
files that the package puts under ``fonts/roboto/`` instead. Django's manifest storage refuses
the whole ``collectstatic`` over such a dangling reference, so the documented production step
failed. Inside that one vendored font folder a missing file keeps its url as written (the
browser falls back to the system font, as it does today); anywhere else a missing file still
stops ``collectstatic``.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage

#: The vendored folder whose stylesheet names fonts it does not contain.
DANGLING_FONT_REFERENCES = "viewflow/fonts/roboto/node_modules/roboto-fontface/css/"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is None and name.startswith(DANGLING_FONT_REFERENCES) and not self.exists(name):
                return name
            raise
