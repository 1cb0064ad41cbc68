"""`{% form_field form.name %}`: one field in Bootstrap 5 markup, as crispy-forms lays it out.

For the forms on busy pages (F2 and F3's confirmation fields): crispy-forms renders a
field through a dozen nested templates, about 0.7 ms a field; this builds the same
markup — the same ids, classes and ARIA attributes (Django adds aria-invalid and
aria-describedby) — in Python, for text, email, number and date inputs (issue 6).
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def form_field(field):
    """The label, the widget, its errors and help text of a bound field (no checkbox or select)."""
    widget = field.field.widget
    classes = [widget.attrs.get("class", ""), f"{widget.__class__.__name__.lower()}", "form-control"]
    if field.errors:
        classes.append("is-invalid")
    rendered = field.as_widget(attrs={"class": " ".join(c for c in classes if c)})
    required = field.field.required
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<span id="error_{}_{}"><strong>{}</strong></span>',
                ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
            ),
        )
    help_text = (
        # Help text is the developer's markup, not escaped (as Django's and crispy's templates do).
        format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, mark_safe(field.help_text)
        )
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>', field.auto_id, label, rendered, errors, help_text
    )
