"""The agencies keeping a ledger: found by name, created, placed under a parent for roll-ups."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nianbao.ledger.errors import LedgerError, NotFound
from nianbao.store.models import Agency


def find_agency(session: Session, name: str) -> Agency:
    found = session.scalar(select(Agency).where(Agency.name == name.strip()))
    if found is None:
        raise NotFound(f"机关“{name}”不在台账中")
    return found


def get_or_create_agency(session: Session, name: str) -> tuple[Agency, bool]:
    """The agency named `name`, created when new; the flag says whether it was created."""
    name = name.strip()
    if not name:
        raise LedgerError("机关名称不能为空")
    found = session.scalar(select(Agency).where(Agency.name == name))
    if found is not None:
        return found, False
    agency = Agency(name=name)
    session.add(agency)
    session.flush()
    return agency, True


def set_agency(session: Session, name: str, *, level: str | None = None, parent: str | None = None) -> Agency:
    """Create or update an agency's level and parent (the parent must exist; no cycles)."""
    agency, _ = get_or_create_agency(session, name)
    if level is not None:
        agency.level = level.strip()
    if parent is not None:
        if not parent.strip():
            agency.parent = None
        else:
            above = find_agency(session, parent)
            walk: Agency | None = above
            while walk is not None:
                if walk.id == agency.id:
                    raise LedgerError(f"机关“{name}”不能隶属于“{parent}”：会形成循环")
                walk = walk.parent
            agency.parent = above
    session.flush()
    return agency


def descendants(session: Session, agency: Agency) -> list[int]:
    """The ids of `agency` and every agency below it (for roll-ups)."""
    children: dict[int | None, list[int]] = {}
    for aid, parent_id in session.execute(select(Agency.id, Agency.parent_id)):
        children.setdefault(parent_id, []).append(aid)
    out, todo = [], [agency.id]
    while todo:
        aid = todo.pop()
        if aid in out:
            continue
        out.append(aid)
        todo.extend(children.get(aid, []))
    return out
