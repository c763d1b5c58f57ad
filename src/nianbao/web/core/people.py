"""Who is asking, and what they may see: the `Viewer` of a request and its scope.

Roles (`nianbao.store.models.ROLES`):

- ``clerk``: the ledger and the report of their own agency, and checks of that agency's reports;
- ``reviewer``: reads and checks the reports of every agency under their agency (their jurisdiction),
  comments, confirms or dismisses findings;
- ``supervisor``: a reviewer who may also return a report for correction;
- ``admin``: every agency; users, agencies and the working-day calendar.

Anything outside a person's scope is answered as if it did not exist (404), so that ids of other
agencies' data cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.store.models import Agency, User

ROLE_LABELS = {"clerk": "经办人员", "reviewer": "审核人员", "supervisor": "政务公开监管", "admin": "系统管理员"}


class NotSignedIn(Exception):
    """Raised by `viewer` when the request carries no valid session; pages redirect to the sign-in page."""


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    display_name: str
    role: str
    agency_id: int | None
    agency_name: str
    scope: frozenset[int] | None  # agency ids this person may see; None: every agency (admin)

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def reviews(self) -> bool:
        """May confirm or dismiss findings and comment across the jurisdiction."""
        return self.role in ("reviewer", "supervisor", "admin")

    @property
    def returns(self) -> bool:
        """May return a report for correction."""
        return self.role in ("supervisor", "admin")

    def sees(self, agency_id: int | None) -> bool:
        if agency_id is None:
            return False
        return self.scope is None or agency_id in self.scope

    def keeps_ledger_of(self, agency_id: int) -> bool:
        """May change the ledger (and the draft report) of this agency."""
        return self.role == "admin" or (self.role == "clerk" and agency_id == self.agency_id)

    def agency_ids(self, session: Session) -> list[int]:
        """The scope as a list (every agency for an administrator)."""
        if self.scope is not None:
            return sorted(self.scope)
        return list(session.scalars(select(Agency.id).order_by(Agency.id)))


def scope_of(session: Session, user: User) -> frozenset[int] | None:
    if user.role == "admin":
        return None
    if user.agency_id is None:
        return frozenset()
    if user.role == "clerk":
        return frozenset({user.agency_id})
    children: dict[int | None, list[int]] = {}
    for aid, parent_id in session.execute(select(Agency.id, Agency.parent_id)):
        children.setdefault(parent_id, []).append(aid)
    seen: set[int] = set()
    todo = [user.agency_id]
    while todo:
        aid = todo.pop()
        if aid not in seen:
            seen.add(aid)
            todo.extend(children.get(aid, []))
    return frozenset(seen)


def viewer_of(session: Session, user: User) -> Viewer:
    return Viewer(
        user.id,
        user.username,
        user.display_name or user.username,
        user.role,
        user.agency_id,
        user.agency.name if user.agency else "",
        scope_of(session, user),
    )


def current_viewer(request: Request) -> Viewer:
    """Who is signed in, read in a short session of its own: the request's session (a writer's, on POST) is not
    touched, so its transaction, and on SQLite the write lock, starts only when the handler uses it."""
    cached: Viewer | None = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    user_id = request.session.get("user_id")
    with request.app.state.sessions() as session:
        user = session.get(User, user_id) if isinstance(user_id, int) else None
        if user is None or not user.active:
            raise NotSignedIn
        found = viewer_of(session, user)
    request.state.viewer = found
    return found


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def not_found(what: str = "内容") -> HTTPException:
    return HTTPException(404, f"未找到该{what}，或您无权查看")


def forbidden(message: str) -> HTTPException:
    return HTTPException(403, message)


def require_reviewer(viewer: CurrentViewer) -> Viewer:
    if not viewer.reviews:
        raise forbidden("此功能仅供审核人员、政务公开监管人员和管理员使用")
    return viewer


def require_admin(viewer: CurrentViewer) -> Viewer:
    if not viewer.is_admin:
        raise forbidden("此功能仅供系统管理员使用")
    return viewer


Reviewer = Annotated[Viewer, Depends(require_reviewer)]
Admin = Annotated[Viewer, Depends(require_admin)]


def agency_in_scope(session: Session, viewer: Viewer, agency_id: int) -> Agency:
    """The agency, if the viewer may see it; 404 otherwise (existence is not revealed)."""
    agency = session.get(Agency, agency_id) if viewer.sees(agency_id) else None
    if agency is None:
        raise not_found("机关")
    return agency
