"""Template filters over core.formatting: money and date ranges as the association writes them."""

from django import template

from core import formatting

register = template.Library()

register.filter("euro", formatting.euro)
register.filter("datetime_range", formatting.datetime_range)
register.filter("time_range", formatting.time_range)
register.filter("soft_hyphens", formatting.soft_hyphens)
