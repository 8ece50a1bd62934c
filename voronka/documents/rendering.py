"""Turning a document's content into files: the stock HTML templates to PDF (WeasyPrint) and
DOCX templates (docxtpl), both through a Jinja2 sandbox that sees only the document's own
content — plain dicts, texts and numbers, never a model, the settings or the request.

A template that reaches for anything else (`__class__`, `config`, `settings`, an unknown
name) is refused with `TemplateRefused` and a sentence saying what it tried."""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

STOCK_DIR = Path(__file__).resolve().parent / "stock"


class TemplateRefused(Exception):
    """A template that cannot be rendered safely or at all; the message says why."""


class _Sandbox(SandboxedEnvironment):
    """Attribute walking (`x.__class__`, `x.mro`, `_private`) stops the rendering at once
    instead of quietly printing nothing."""

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(
            _("The template may not read «%(attribute)s».") % {"attribute": attribute}
        )


def money(value, places: int = 2) -> str:
    """1234567.5 → «1 234 567,50», as Russian documents print amounts."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places))
    whole, _sep, frac = f"{number:,.{places}f}".partition(".")
    whole = whole.replace(",", "\u00a0")
    return f"{whole},{frac}" if places else whole


def quantity(value) -> str:
    number = Decimal(str(value or 0)).normalize()
    text = f"{number:f}"
    return text.replace(".", ",")


def environment() -> _Sandbox:
    env = _Sandbox(undefined=StrictUndefined, autoescape=True)
    env.filters["money"] = money
    env.filters["qty"] = quantity
    return env


def _explain(error: Exception) -> TemplateRefused:
    if isinstance(error, SecurityError):
        return TemplateRefused(
            _("The template was refused: %(reason)s Only the document's fields may be used.")
            % {"reason": str(error)}
        )
    if isinstance(error, UndefinedError):
        return TemplateRefused(
            _("The template was refused: it uses a field the document does not have (%(msg)s).")
            % {"msg": error.message}
        )
    return TemplateRefused(
        _("The template could not be rendered: %(msg)s") % {"msg": getattr(error, "message", "")}
    )


def render_html(template_name: str, context: dict) -> str:
    """A stock HTML template (documents/stock/<name>.html) with the document's content."""
    source = (STOCK_DIR / f"{template_name}.html").read_text(encoding="utf-8")
    return render_html_source(source, context)


def render_html_source(source: str, context: dict) -> str:
    env = environment()
    try:
        return env.from_string(source).render(**context)
    except (SecurityError, TemplateError) as error:
        raise _explain(error) from error


def url_fetcher():
    """WeasyPrint may read only data: URIs (the embedded signature and stamp): no file of
    the server, no address of the network."""
    from weasyprint.urls import URLFetcher  # weasyprint loads pango: only when a PDF is made

    return URLFetcher(allowed_protocols=("data",))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # loads pango; only when a PDF is made

    return HTML(string=html, url_fetcher=url_fetcher(), base_url=None).write_pdf()


def data_uri(content: bytes | None, mime: str = "image/png") -> str:
    if not content:
        return ""
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


def render_docx(template: bytes, context: dict) -> bytes:
    """A DOCX template with the document's content, in the sandbox."""
    from docxtpl import DocxTemplate  # python-docx is heavy

    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=environment(), autoescape=True)
    except (SecurityError, TemplateError) as error:
        raise _explain(error) from error
    except Exception as error:  # a file that is no DOCX at all
        raise TemplateRefused(
            _("The template could not be read as a Word document (DOCX).")
        ) from error
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
