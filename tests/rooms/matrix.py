"""The liaison rooms' routes in the permission matrix."""

from django.urls import reverse

from tests.permission_matrix import api_list, api_object, listing, page

for _name in ("room-list", "room-new", "arrears", "levy", "construction"):
    listing(f"rooms:{_name}", lambda w, name=_name: reverse(f"rooms:{name}"))
for _name in ("room-list", "arrears"):
    page(f"rooms:{_name}", lambda w, s, name=_name: reverse(f"rooms:{name}") + f"?village={w.village(s).code}")
listing("ledger:lines", lambda w: reverse("ledger:lines", args=["rooms"]))
page("ledger:lines", lambda w, s: reverse("ledger:lines", args=["rooms"]) + f"?village={w.village(s).code}")
for _name in ("room-detail", "room-edit", "receipt-new", "spending-new", "evaluation-new"):
    for _method in ("GET", "POST") if _name != "room-detail" else ("GET",):
        page(f"rooms:{_name}", lambda w, s, name=_name: reverse(f"rooms:{name}", args=[w.rooms[s]["room"].pk]),
             _method)
for _kind in ("receipt", "spending"):
    for _method in ("GET", "POST"):
        page("rooms:reverse", lambda w, s, kind=_kind: reverse("rooms:reverse", args=[kind, w.rooms[s][kind].pk]),
             _method)
api_list("/api/v1/rooms", lambda w: "/api/v1/rooms")
api_list("/api/v1/rooms/dues", lambda w: "/api/v1/rooms/dues")
api_object("/api/v1/rooms", lambda w, s: f"/api/v1/rooms?village={w.village(s).code}")
api_object("/api/v1/rooms/dues", lambda w, s: f"/api/v1/rooms/dues?village={w.village(s).code}")
api_object("/api/v1/rooms/{room_id}", lambda w, s: f"/api/v1/rooms/{w.rooms[s]['room'].pk}")
api_object("/api/v1/rooms/{room_id}/receipts", lambda w, s: f"/api/v1/rooms/{w.rooms[s]['room'].pk}/receipts",
           json=lambda w, s: {"due_id": w.rooms[s]["unit_due"].pk, "amount": "0", "received_on": "2026-01-01"})
