"""The embedded device service: lines and codes in the bot's own database.

It implements ``handlers.ports.DeviceService`` and acts as a built-in SM-DP+: it
issues activation data for a configurable SM-DP+ address and enforces the
Webex Go rules (a new code only while Pending Activation; a new code cancels
every earlier one; a code expires after ``code_ttl``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, func, select, update

from handlers.activation import ActivationData, activation_fields, mask, new_matching_id
from handlers.errors import NotFound, RuleViolation
from handlers.ports import CodeInfo, IssuedCode, LicencePool, LineInfo
from storage.db import transaction
from storage.models import ActivationCode, CodeState, Line, LineStatus, Reminder
from storage.reminders import ReminderPolicy, add_reminders, cancel_reminders


class EmbeddedDeviceService:
    def __init__(
        self,
        engine: Engine,
        *,
        smdp_address: str,
        code_ttl: timedelta,
        now: Callable[[], datetime],
        licence_pool_size: int = 100,
        reminders: ReminderPolicy | None = None,
    ) -> None:
        self._engine = engine
        self._smdp_address = smdp_address
        self._code_ttl = code_ttl
        self._now = now
        self._pool_size = licence_pool_size
        self._reminders = reminders or ReminderPolicy()

    def get_line(self, email: str) -> LineInfo | None:
        with transaction(self._engine) as session:
            line = _find_line(session, email)
            if line is None:
                return None
            code = _current(_active_code(session, line), self._now())
            return LineInfo(email=line.email, status=line.status, code=_code_info(code))

    def list_lines(self) -> list[LineInfo]:
        # One query: each line with its active code, if any (a line has at most one).
        query = (
            select(Line, ActivationCode)
            .outerjoin(
                ActivationCode,
                (ActivationCode.line_id == Line.id)
                & (ActivationCode.state == CodeState.ACTIVE),
            )
            .order_by(Line.email)
        )
        now = self._now()
        with transaction(self._engine) as session:
            rows = session.exec(query).all()
        return [
            LineInfo(line.email, line.status, _code_info(_current(code, now)))
            for line, code in rows
        ]

    def licence_pool(self) -> LicencePool:
        with transaction(self._engine) as session:
            used = session.exec(select(func.count()).select_from(Line)).one()
        return LicencePool(size=self._pool_size, used=used)

    def add_line(self, email: str) -> IssuedCode:
        try:
            with transaction(self._engine) as session:
                if _find_line(session, email) is not None:
                    raise RuleViolation("error.line_exists", email=email)
                _check_pool(session, self._pool_size)
                now = self._now()
                line = Line(
                    email=email,
                    status=LineStatus.PENDING_ACTIVATION,
                    created_at=now,
                    updated_at=now,
                )
                session.add(line)
                session.flush()
                return self._issue(session, line, now)
        except IntegrityError:
            # Another worker added the same person's line a moment ago.
            raise RuleViolation("error.line_exists", email=email) from None

    def issue_code(self, email: str) -> IssuedCode:
        with transaction(self._engine) as session:
            line = _require_line(session, email)
            if line.status != LineStatus.PENDING_ACTIVATION:
                raise RuleViolation(
                    "error.line_not_pending", email=email, status=line.status
                )
            now = self._now()
            _end_codes(session, line, CodeState.CANCELLED, now)
            return self._issue(session, line, now)

    def record_code(self, email: str, activation: ActivationData) -> IssuedCode:
        """Keep a code made elsewhere (Control Hub) like one issued here.

        Earlier codes of the line are cancelled, reminders are made; a person
        without a line gets one, Pending Activation, if a licence is free.
        """
        with transaction(self._engine) as session:
            known = select(ActivationCode.id).where(
                ActivationCode.matching_id == activation.matching_id
            )
            if session.exec(known).first() is not None:
                raise RuleViolation("external.duplicate", email=email)
            line = _find_line(session, email)
            now = self._now()
            if line is not None and line.status in (
                LineStatus.ONLINE,
                LineStatus.OFFLINE,
            ):
                # A new code is possible only while the line waits for a phone.
                raise RuleViolation(
                    "error.line_not_pending", email=email, status=line.status
                )
            if line is None:
                _check_pool(session, self._pool_size)
                line = Line(
                    email=email,
                    status=LineStatus.PENDING_ACTIVATION,
                    created_at=now,
                    updated_at=now,
                )
                session.add(line)
                session.flush()
            _end_codes(session, line, CodeState.CANCELLED, now)
            return self._issue(session, line, now, activation)

    def report_lost(self, email: str) -> IssuedCode:
        with transaction(self._engine) as session:
            line = _require_line(session, email)
            now = self._now()
            _end_codes(session, line, CodeState.CANCELLED, now)
            _set_status(line, LineStatus.PENDING_ACTIVATION, now)
            session.add(line)
            return self._issue(session, line, now)

    def delete_line(self, email: str) -> None:
        with transaction(self._engine) as session:
            line = _require_line(session, email)
            codes = select(ActivationCode.id).where(ActivationCode.line_id == line.id)
            session.execute(delete(Reminder).where(Reminder.code_id.in_(codes)))
            session.execute(
                delete(ActivationCode).where(ActivationCode.line_id == line.id)
            )
            session.delete(line)

    def activate(self, activation_string: str) -> str:
        with transaction(self._engine) as session:
            code = _code_of(session, activation_string)
            # Codes delivered from elsewhere belong to another SM-DP+.
            if code is None or code.smdp_address.lower() != self._smdp_address.lower():
                raise NotFound("phone.code_unknown")
            now = self._now()
            if code.state == CodeState.ACTIVE and code.expires_at <= now:
                # Record the expiry for good, although the activation fails below.
                code.state, code.ended_at = CodeState.EXPIRED, now
                session.add(code)
                session.commit()
            if code.state != CodeState.ACTIVE:
                raise RuleViolation(f"phone.code_{code.state.value}")
            line = session.get(Line, code.line_id)
            code.state, code.ended_at = CodeState.USED, now
            cancel_reminders(session, [code.id])
            _set_status(line, LineStatus.ONLINE, now)
            session.add_all([code, line])
            return line.email

    def phone_event(self, email: str, event: str) -> LineStatus:
        with transaction(self._engine) as session:
            line = _require_line(session, email)
            allowed = PHONE_EVENTS.get(event)
            if allowed is None:
                raise RuleViolation("phone.event_unknown", event=event)
            before, after = allowed
            if line.status not in before:
                raise RuleViolation(
                    "phone.event_not_applicable", event=event, status=line.status
                )
            _set_status(line, after, self._now())
            session.add(line)
            return after

    def check_code(self, activation_string: str) -> CodeState | None:
        with transaction(self._engine) as session:
            code = _code_of(session, activation_string)
            if code is None:
                return None
            if code.state == CodeState.ACTIVE and code.expires_at <= self._now():
                return CodeState.EXPIRED
            return code.state

    def _issue(
        self,
        session: Session,
        line: Line,
        now: datetime,
        activation: ActivationData | None = None,
    ) -> IssuedCode:
        activation = activation or ActivationData(self._smdp_address, new_matching_id())
        code = ActivationCode(
            line_id=line.id,
            smdp_address=activation.smdp_address,
            matching_id=activation.matching_id,
            smdp_oid=activation.smdp_oid or None,
            confirmation_required=activation.confirmation_required,
            state=CodeState.ACTIVE,
            issued_at=now,
            expires_at=now + self._code_ttl,
        )
        session.add(code)
        session.flush()
        add_reminders(session, code, line.email, self._reminders)
        return IssuedCode(
            email=line.email,
            activation=activation,
            issued_at=now,
            expires_at=code.expires_at,
        )


# event -> (the states it applies to, the state it leads to)
PHONE_EVENTS = {
    "line_removed": (
        {LineStatus.ONLINE, LineStatus.OFFLINE},
        LineStatus.PENDING_ACTIVATION,
    ),
    "service_off": ({LineStatus.ONLINE}, LineStatus.OFFLINE),
    "service_on": ({LineStatus.OFFLINE}, LineStatus.ONLINE),
}


def _check_pool(session: Session, size: int) -> None:
    used = session.exec(select(func.count()).select_from(Line)).one()
    if used >= size:
        raise RuleViolation("error.pool_empty", used=used, size=size)


def _code_of(session: Session, activation_string: str) -> ActivationCode | None:
    """The code an activation string names, all of it: SM-DP+ address, matching
    ID, and the OID and confirmation flag if the code has them."""
    fields = activation_fields(activation_string)
    if fields is None:
        return None
    query = select(ActivationCode).where(ActivationCode.matching_id == fields[2])
    code = session.exec(query).first()
    given = "$".join(fields).lower()
    if code is None or code.activation_data().activation_code.lower() != given:
        return None
    return code


def _require_line(session: Session, email: str) -> Line:
    line = _find_line(session, email)
    if line is None:
        raise NotFound("error.no_line", email=email)
    return line


def _set_status(line: Line, status: LineStatus, now: datetime) -> None:
    line.status = status
    line.updated_at = now


def _find_line(session: Session, email: str) -> Line | None:
    return session.exec(select(Line).where(Line.email == email)).first()


def _active_code(session: Session, line: Line) -> ActivationCode | None:
    query = select(ActivationCode).where(
        ActivationCode.line_id == line.id, ActivationCode.state == CodeState.ACTIVE
    )
    return session.exec(query.order_by(ActivationCode.issued_at.desc())).first()


def _end_codes(session: Session, line: Line, state: CodeState, now: datetime) -> None:
    active = select(ActivationCode.id).where(
        ActivationCode.line_id == line.id, ActivationCode.state == CodeState.ACTIVE
    )
    cancel_reminders(session, session.exec(active).all())
    session.execute(
        update(ActivationCode)
        .where(
            ActivationCode.line_id == line.id, ActivationCode.state == CodeState.ACTIVE
        )
        .values(state=state, ended_at=now)
    )


def _current(code: ActivationCode | None, now: datetime) -> ActivationCode | None:
    """The code unless its time is up (the sweep may not have marked it yet)."""
    return code if code is not None and code.expires_at > now else None


def _code_info(code: ActivationCode | None) -> CodeInfo | None:
    if code is None:
        return None
    return CodeInfo(
        masked=mask(code.matching_id),
        state=code.state,
        issued_at=code.issued_at,
        expires_at=code.expires_at,
    )
