"""Template filters of the market pages: amounts, shares and changes in German notation."""

from __future__ import annotations

from django import template

from stellwerk.insights.pay import euro_text, pay_text
from stellwerk.reference.salaries import PayValue

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """Format cents as whole euros ("3.210 €"); a dash when unknown."""
    return euro_text(cents) if cents is not None else "–"


@register.filter
def pay(value: PayValue, ceiling_cents: int) -> str:
    """Format an Entgeltatlas figure: amount, "über <ceiling>" when censored, "nicht veröffentlicht"."""
    return pay_text(value, ceiling_cents) or "nicht veröffentlicht"


@register.filter
def signed_percent(value: int | None) -> str:
    """Format a change in percent with its sign ("+12 %", "−3 %"); a dash when unknown."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{abs(value)} %"


@register.filter
def zahl(value: int | None) -> str:
    """Format a whole number with German thousands separators ("12.345"); a dash when unknown."""
    return "–" if value is None else f"{value:,}".replace(",", ".")
