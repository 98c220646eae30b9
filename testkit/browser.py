"""What the browser tests and the screenshot script share: filling a form by field names."""

from __future__ import annotations


def fill_by_name(page, values: dict) -> None:
    """Fill a form from {field name: value}, whatever language its labels are in."""
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if not field.count():
            continue
        kind = field.first.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName.toLowerCase()")
        if kind in ("radio", "checkbox"):
            for one in value if isinstance(value, list) else [value]:
                page.locator(f'input[name="{name}"][value="{one}"]').check()
        elif kind == "select":
            field.first.select_option(value)
        else:
            field.first.fill(value)
