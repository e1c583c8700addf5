from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def audit_summary(data, limit=300):
    """An audit event's before/after as readable "field: value" pairs (identifiers stay masked)."""
    if not data:
        return ""
    if not isinstance(data, dict):
        return str(data)[:limit]
    parts = [f"{key}: {value}" for key, value in data.items() if value not in ("", None, [], {})]
    text = "；".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"
