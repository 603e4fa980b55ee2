from django import template

register = template.Library()


@register.filter
def percent(done, total) -> int:
    try:
        return round(100 * int(done) / int(total)) if int(total) else 0
    except (TypeError, ValueError):
        return 0
