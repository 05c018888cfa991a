"""People, rooms and memberships of the one emulated organisation.

Every public method takes the emulator's lock, so the HTTP threads and the test code may
call them at the same time. Methods return copies: callers never hold references into
the state.
"""

import copy
import logging
import secrets
import threading
from collections.abc import Callable, Iterable

from .errors import bad_request, conflict, forbidden, not_found
from .ids import new_id, now_iso

logger = logging.getLogger(__name__)

Publish = Callable[[str, str, dict, str, Iterable[str]], None]


class Directory:
    """The organisation's people (with their tokens), rooms and memberships."""

    def __init__(self, lock: threading.RLock, publish: Publish) -> None:
        self._lock = lock
        self._publish = publish
        self.org_id = new_id("ORGANIZATION")
        self._people: dict[str, dict] = {}
        self._tokens: dict[str, str] = {}
        self._app_ids: dict[str, str] = {}
        self._rooms: dict[str, dict] = {}
        self._members: dict[str, dict[str, dict]] = {}
        self._direct: dict[frozenset[str], str] = {}

    # People

    def add_person(
        self,
        email: str,
        display_name: str,
        type: str = "person",
        token: str | None = None,
    ) -> tuple[dict, str]:
        """Create a person (or bot) and its access token."""
        if type not in ("person", "bot"):
            raise ValueError(f"type must be 'person' or 'bot', not {type!r}")
        token = token or secrets.token_urlsafe(32)
        with self._lock:
            if self._find_by_email(email) is not None:
                raise ValueError(f"a person with e-mail {email} already exists")
            if token in self._tokens:
                raise ValueError("that token is already in use")
            person = self._new_person(email, display_name, type)
            self._people[person["id"]] = person
            self._tokens[token] = person["id"]
            self._app_ids[person["id"]] = new_id("APPLICATION")
            return copy.deepcopy(person), token

    def _new_person(self, email: str, display_name: str, type: str) -> dict:
        person = {
            "id": new_id("PEOPLE"),
            "emails": [email],
            "displayName": display_name,
        }
        first, _, last = display_name.partition(" ")
        person["nickName"] = display_name if type == "bot" else first
        if type == "person":
            person["firstName"] = first
            person["lastName"] = last
        person.update(orgId=self.org_id, created=now_iso(), type=type)
        return person

    def person(self, person_id: str) -> dict | None:
        with self._lock:
            person = self._people.get(person_id)
            return copy.deepcopy(person) if person else None

    def person_by_email(self, email: str) -> dict | None:
        with self._lock:
            person = self._find_by_email(email)
            return copy.deepcopy(person) if person else None

    def person_by_token(self, token: str) -> dict | None:
        with self._lock:
            person_id = self._tokens.get(token)
            return copy.deepcopy(self._people[person_id]) if person_id else None

    def app_id(self, person_id: str) -> str:
        with self._lock:
            return self._app_ids[person_id]

    def _find_by_email(self, email: str) -> dict | None:
        wanted = email.strip().lower()
        for person in self._people.values():
            if person["emails"][0].lower() == wanted:
                return person
        return None

    def _require_person(self, person_id: str | None, email: str | None) -> dict:
        person = self._people.get(person_id) if person_id else None
        if email and not person_id:
            person = self._find_by_email(email)
        if person is None:
            raise not_found("The requested person was not found.")
        return person

    def list_people(
        self, email: str | None, display_name: str | None, ids: str | None
    ) -> list[dict]:
        """GET /people: by e-mail (exact, any case), display name prefix, or id list."""
        with self._lock:
            if email:
                found = [self._find_by_email(email)]
            elif display_name:
                prefix = display_name.lower()
                found = [
                    p
                    for p in self._people.values()
                    if p["displayName"].lower().startswith(prefix)
                ]
            elif ids:
                found = [self._people.get(i.strip()) for i in ids.split(",")]
            else:
                raise bad_request("Email, displayName, or id list should be specified.")
            return [copy.deepcopy(p) for p in found if p is not None]

    def get_person(self, person_id: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._require_person(person_id, None))

    # Rooms

    def add_room(self, title: str, member_ids: list[str]) -> dict:
        """Create a group room of these people (the first is its creator); no events."""
        with self._lock:
            if not member_ids:
                raise ValueError("a room needs at least one member")
            for person_id in member_ids:
                if person_id not in self._people:
                    raise ValueError(f"unknown person id {person_id}")
            room = self._new_room(title, "group", member_ids[0])
            for person_id in dict.fromkeys(member_ids):
                self._add_member(room["id"], person_id)
            return self._room_json(room, member_ids[0])

    def _new_room(self, title: str | None, type: str, creator_id: str) -> dict:
        created = now_iso()
        room = {
            "id": new_id("ROOM"),
            "title": title,
            "type": type,
            "isLocked": False,
            "lastActivity": created,
            "creatorId": creator_id,
            "created": created,
        }
        self._rooms[room["id"]] = room
        self._members[room["id"]] = {}
        return room

    def _room_json(self, room: dict, viewer_id: str) -> dict:
        room = dict(room)
        if room["type"] == "direct":
            others = [p for p in self._members[room["id"]] if p != viewer_id]
            room["title"] = self._people[(others or [viewer_id])[0]]["displayName"]
        return room

    def room(self, room_id: str) -> dict | None:
        with self._lock:
            room = self._rooms.get(room_id)
            return dict(room) if room else None

    def direct_room(self, caller_id: str, other_id: str) -> dict:
        """Find or create the direct room of two people (made by a first message)."""
        with self._lock:
            room_id = self._direct.get(frozenset((caller_id, other_id)))
            if room_id:
                return dict(self._rooms[room_id])
            room = self._new_room(None, "direct", caller_id)
            self._direct[frozenset((caller_id, other_id))] = room["id"]
            audience = (caller_id, other_id)
            for person_id in audience:
                membership = self._add_member(room["id"], person_id)
                self._publish_membership("created", membership, caller_id, audience)
            logger.debug("created direct room %s", room["id"])
            return dict(room)

    def touch(self, room_id: str, when: str) -> None:
        with self._lock:
            self._rooms[room_id]["lastActivity"] = when

    def create_room(self, caller: dict, title: str | None) -> dict:
        """POST /rooms: a group room whose only member is the caller."""
        if not title or not isinstance(title, str):
            raise bad_request("title is required.")
        with self._lock:
            room = self._new_room(title, "group", caller["id"])
            membership = self._add_member(room["id"], caller["id"])
            self._publish("rooms", "created", dict(room), caller["id"], [caller["id"]])
            self._publish_membership(
                "created", membership, caller["id"], [caller["id"]]
            )
            return dict(room)

    def list_rooms(self, caller: dict, type: str | None) -> list[dict]:
        with self._lock:
            rooms = [
                self._room_json(room, caller["id"])
                for room in self._rooms.values()
                if caller["id"] in self._members[room["id"]]
                and type in (None, room["type"])
            ]
            return sorted(rooms, key=lambda room: room["lastActivity"], reverse=True)

    def get_room(self, caller: dict, room_id: str) -> dict:
        with self._lock:
            return self._room_json(self._require_room(caller, room_id), caller["id"])

    def _require_room(self, caller: dict, room_id: str | None) -> dict:
        """The room, if it exists and the caller is a member; else 404, as in Webex."""
        room = self._rooms.get(room_id or "")
        if room is None or caller["id"] not in self._members[room["id"]]:
            raise not_found("Could not find a room with provided ID.")
        return room

    def require_room(self, caller: dict, room_id: str | None) -> dict:
        with self._lock:
            return dict(self._require_room(caller, room_id))

    # Memberships

    def is_member(self, person_id: str, room_id: str) -> bool:
        with self._lock:
            return person_id in self._members.get(room_id, {})

    def member_ids(self, room_id: str) -> list[str]:
        with self._lock:
            return list(self._members.get(room_id, {}))

    def _add_member(self, room_id: str, person_id: str) -> dict:
        membership = {
            "id": new_id("MEMBERSHIP"),
            "roomId": room_id,
            "personId": person_id,
            "isModerator": False,
            "isMonitor": False,
            "created": now_iso(),
        }
        self._members[room_id][person_id] = membership
        return membership

    def _membership_json(self, membership: dict) -> dict:
        person = self._people[membership["personId"]]
        return {
            "id": membership["id"],
            "roomId": membership["roomId"],
            "personId": person["id"],
            "personEmail": person["emails"][0],
            "personDisplayName": person["displayName"],
            "personOrgId": person["orgId"],
            "isModerator": membership["isModerator"],
            "isMonitor": membership["isMonitor"],
            "roomType": self._rooms[membership["roomId"]]["type"],
            "created": membership["created"],
        }

    def _publish_membership(
        self, event: str, membership: dict, actor_id: str, audience: Iterable[str]
    ) -> None:
        data = self._membership_json(membership)
        self._publish("memberships", event, data, actor_id, audience)

    def list_memberships(
        self,
        caller: dict,
        room_id: str | None,
        person_id: str | None,
        email: str | None,
    ) -> list[dict]:
        """GET /memberships: a room's members, or the caller's own memberships."""
        with self._lock:
            if room_id:
                room = self._require_room(caller, room_id)
                found = list(self._members[room["id"]].values())
            else:
                found = [
                    m[caller["id"]] for m in self._members.values() if caller["id"] in m
                ]
            items = [self._membership_json(m) for m in found]
        if person_id:
            items = [m for m in items if m["personId"] == person_id]
        if email:
            items = [m for m in items if m["personEmail"].lower() == email.lower()]
        return items

    def add_membership(
        self,
        caller: dict,
        room_id: str | None,
        person_id: str | None,
        email: str | None,
    ) -> dict:
        """POST /memberships: add a person to a group room the caller is in."""
        with self._lock:
            room = self._require_room(caller, room_id)
            if room["type"] == "direct":
                raise forbidden("People cannot be added to a direct room.")
            if not person_id and not email:
                raise bad_request("personId or personEmail is required.")
            person = self._require_person(person_id, email)
            if person["id"] in self._members[room["id"]]:
                raise conflict("The person is already a member of the room.")
            membership = self._add_member(room["id"], person["id"])
            audience = list(self._members[room["id"]])
            self._publish_membership("created", membership, caller["id"], audience)
            return self._membership_json(membership)

    def get_membership(self, caller: dict, membership_id: str) -> dict:
        with self._lock:
            return self._membership_json(
                self._require_membership(caller, membership_id)
            )

    def _require_membership(self, caller: dict, membership_id: str) -> dict:
        for members in self._members.values():
            for membership in members.values():
                if membership["id"] == membership_id and caller["id"] in members:
                    return membership
        raise not_found("Could not find a membership with provided ID.")

    def remove_membership(self, caller: dict, membership_id: str) -> None:
        """DELETE /memberships/{id}: any member may remove one (no moderators)."""
        with self._lock:
            membership = self._require_membership(caller, membership_id)
            room = self._rooms[membership["roomId"]]
            if room["type"] == "direct":
                raise forbidden("People cannot be removed from a direct room.")
            audience = list(self._members[room["id"]])
            self._publish_membership("deleted", membership, caller["id"], audience)
            del self._members[room["id"]][membership["personId"]]
