"""``{% pagefragment %}``: a piece of a page template rendered once per
published version of the page tree (``elearning.pagecache``).

    {% load pagecache_tags %}
    {% pagefragment "lesson_body" page.pk LANGUAGE_CODE %}
      {% include_block page.body %}
    {% endpagefragment %}

The fragment is kept under its name and the values after it, in the current
generation: any change to the tree renders it anew. Only for what is the same
for every reader (nothing about the user or the session). A preview (Wagtail
sets ``request.is_preview``) is always rendered, never kept.
"""

from __future__ import annotations

from django import template

from elearning import pagecache

register = template.Library()


class PageFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary):
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        parts = [self.name.resolve(context)]
        parts += [str(value.resolve(context)) for value in self.vary]
        key = "fragment:" + ":".join(str(p) for p in parts)
        # The rendered nodes are a SafeString, and stay one through the
        # cache (pickle keeps the type): nothing is marked safe here.
        return pagecache.memo(key, lambda: self.nodelist.render(context))


@register.tag
def pagefragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f"'{bits[0]}' needs a fragment name (and the values it varies on)"
        )
    nodelist = parser.parse(("endpagefragment",))
    parser.delete_first_token()
    return PageFragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:]],
    )
