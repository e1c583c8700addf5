from django import template

from minxin.core.audit import action_label
from minxin.core.identifiers import mask_id_number, mask_phone
from minxin.core.masking import birth_label

register = template.Library()

register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("birth_label", birth_label)
register.filter("action_label", action_label)
