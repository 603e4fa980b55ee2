from django import template

register = template.Library()


@register.simple_tag
def percent(done, total) -> int:
    """round(100 × done / total), 0 when there is nothing to do."""
    try:
        return round(100 * int(done) / int(total)) if int(total) else 0
    except (TypeError, ValueError):
        return 0
