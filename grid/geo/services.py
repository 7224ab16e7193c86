"""Importing village and grid boundaries from a GeoJSON FeatureCollection: all or nothing.

Each feature is a village (properties: level "village", code = the 12-digit statistical code, name,
kind village/community) or a grid (code = its village's code + 3 or more digits, name, kind basic or
specialised, optional parent = the code of the grid a micro-grid lies in). A grid code that exists is
updated (its boundary redrawn), never moved to another village or township.

Checks, each fault named with its feature: a FeatureCollection; codes, names and kinds; closed rings
(first = last, at least 4 positions) of WGS-84 longitude/latitude; valid polygons (no self-crossing);
every grid inside its village and every micro-grid inside its grid; no overlap between grids of one
level (the township's grids of the same kind, or the micro-grids of one grid); no overlap between
villages. One fault and nothing is written.
"""

from __future__ import annotations

import re

import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely.geometry import shape

from grid.errors import BoundaryImportRejected
from grid.geometry import AREA_TOLERANCE, INSIDE_TOLERANCE, as_geojson, boundaries_changed, geometry_faults
from grid.models import Grid, GridKind
from township.audit.models import AuditKind
from township.audit.services import record
from township.org.models import Village

VILLAGE_CODE = re.compile(r"^[0-9]{12}$")
GRID_CODE = re.compile(r"^[0-9]{15,24}$")


def _text(value, limit: int) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text if "\x00" not in text else ""


def import_boundaries(*, township, data, by=None, request=None) -> dict:
    """Check every feature and write all of them, or raise BoundaryImportRejected naming each fault."""
    faults: list[str] = []
    if (
        not isinstance(data, dict)
        or data.get("type") != "FeatureCollection"
        or not isinstance(data.get("features"), list)
    ):
        raise BoundaryImportRejected(
            _("The file is not a GeoJSON FeatureCollection; nothing was imported."),
            [_('The file must be a GeoJSON object with "type": "FeatureCollection" and a list of features.')],
        )

    villages_in: dict[str, dict] = {}
    grids_in: dict[str, dict] = {}
    for number, feature in enumerate(data["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        code = _text(props.get("code"), 24)
        where = _("Feature %(n)s (%(code)s)") % {"n": number, "code": code or _("no code")}
        level = _text(props.get("level"), 10) or "grid"
        name = _text(props.get("name"), 80)
        if not name:
            faults.append(_("%(where)s: no name.") % {"where": where})
        elif len(name) > (60 if level == "village" else 80):
            faults.append(_("%(where)s: the name is too long.") % {"where": where})
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        geometry_bad = geometry_faults(geometry, where)
        faults += geometry_bad
        item = {"where": where, "code": code, "name": name, "geometry": geometry, "bad": bool(geometry_bad)}
        if level == "village":
            kind = _text(props.get("kind"), 12) or Village.Kind.VILLAGE
            if not VILLAGE_CODE.fullmatch(code):
                faults.append(_("%(where)s: a village code has 12 digits.") % {"where": where})
            elif not code.startswith(township.code[:9]):
                faults.append(
                    _("%(where)s: the village code does not begin with the township's code %(township)s.")
                    % {"where": where, "township": township.code}
                )
            if kind not in Village.Kind.values:
                faults.append(
                    _("%(where)s: unknown village kind “%(kind)s”.") % {"where": where, "kind": kind}
                )
            if code in villages_in:
                faults.append(_("%(where)s: the code appears twice in the file.") % {"where": where})
            villages_in[code] = {**item, "kind": kind}
        elif level == "grid":
            kind = _text(props.get("kind"), 12) or GridKind.BASIC
            if not GRID_CODE.fullmatch(code):
                faults.append(
                    _("%(where)s: a grid code is its village's 12-digit code and 3 or more digits.")
                    % {"where": where}
                )
            if kind not in GridKind.values:
                faults.append(_("%(where)s: unknown grid kind “%(kind)s”.") % {"where": where, "kind": kind})
            if code in grids_in:
                faults.append(_("%(where)s: the code appears twice in the file.") % {"where": where})
            grids_in[code] = {**item, "kind": kind, "parent": _text(props.get("parent"), 24)}
        else:
            faults.append(_("%(where)s: level must be “village” or “grid”.") % {"where": where})

    # what is there already
    existing_villages = {
        v.code: v for v in Village.objects.filter(code__in={c[:12] for c in grids_in} | set(villages_in))
    }
    existing_grids = {g.code: g for g in Grid.objects.filter(township=township).select_related("village")}
    elsewhere = set(
        Grid.objects.filter(code__in=list(grids_in)).exclude(township=township).values_list("code", flat=True)
    )
    for code, item in villages_in.items():
        village = existing_villages.get(code)
        if village is not None and village.township_id != township.pk:
            faults.append(
                _("%(where)s: this village belongs to another township.") % {"where": item["where"]}
            )

    # the villages' shapes after the import
    village_shapes = {
        v.code: shape(v.boundary)
        for v in Village.objects.filter(township=township, boundary__isnull=False)
        if not geometry_faults(v.boundary, v.code)
    }
    village_shapes.update({c: shape(i["geometry"]) for c, i in villages_in.items() if not i["bad"]})

    # the grids after the import: the township's grids, those in the file replacing theirs
    final: dict[str, dict] = {}
    for code, grid in existing_grids.items():
        if grid.is_active and grid.boundary and not geometry_faults(grid.boundary, code):
            final[code] = {
                "shape": shape(grid.boundary),
                "kind": grid.kind,
                "parent": grid.parent.code if grid.parent_id else "",
                "in_file": False,
                "where": code,
            }
    parents = {g.pk: g.code for g in existing_grids.values()}
    for code, item in grids_in.items():
        where = item["where"]
        if code in elsewhere:
            faults.append(_("%(where)s: this grid code belongs to another township.") % {"where": where})
            continue
        village_code = code[:12]
        old = existing_grids.get(code)
        known_village = village_code in villages_in or (
            village_code in existing_villages and existing_villages[village_code].township_id == township.pk
        )
        if not known_village:
            faults.append(
                _("%(where)s: no village %(village)s in this township (the code's first 12 digits).")
                % {"where": where, "village": village_code}
            )
        parent = item["parent"]
        if old is not None:
            old_parent = parents.get(old.parent_id, "")
            if parent and parent != old_parent or (not parent and old_parent):
                parent = parent or old_parent
        if parent:
            if not code.startswith(parent) or len(code) <= len(parent):
                faults.append(
                    _("%(where)s: a micro-grid's code extends its grid's code %(parent)s.")
                    % {"where": where, "parent": parent}
                )
            elif parent not in grids_in and parent not in existing_grids:
                faults.append(
                    _("%(where)s: no grid %(parent)s to lie in.") % {"where": where, "parent": parent}
                )
        if not item["bad"]:
            final[code] = {
                "shape": shape(item["geometry"]),
                "kind": item["kind"],
                "parent": parent,
                "in_file": True,
                "where": where,
            }
        else:
            final.pop(code, None)

    # containment
    for code, item in final.items():
        if not item["in_file"]:
            continue
        village_shape = village_shapes.get(code[:12])
        if village_shape is None:
            if code[:12] in existing_villages or code[:12] in villages_in:
                faults.append(
                    _("%(where)s: village %(village)s has no usable boundary to check the grid against.")
                    % {"where": item["where"], "village": code[:12]}
                )
        elif not village_shape.buffer(INSIDE_TOLERANCE).covers(item["shape"]):
            faults.append(
                _("%(where)s: the grid is not inside its village %(village)s.")
                % {"where": item["where"], "village": code[:12]}
            )
        parent = item["parent"]
        if (
            parent
            and parent in final
            and not final[parent]["shape"].buffer(INSIDE_TOLERANCE).covers(item["shape"])
        ):
            faults.append(
                _("%(where)s: the micro-grid is not inside its grid %(parent)s.")
                % {"where": item["where"], "parent": parent}
            )
    # grids in the file whose village moved must still be inside it: existing grids of changed villages
    for code, item in final.items():
        if item["in_file"] or code[:12] not in villages_in or code[:12] not in village_shapes:
            continue
        if not village_shapes[code[:12]].buffer(INSIDE_TOLERANCE).covers(item["shape"]):
            faults.append(
                _("%(where)s: the new boundary leaves grid %(grid)s outside the village.")
                % {"where": villages_in[code[:12]]["where"], "grid": code}
            )

    # overlap, within one level
    faults += _overlaps(
        list(final.items()),
        level_of=lambda item: (item["parent"] or "", item["kind"] if not item["parent"] else ""),
        message=_("%(a)s overlaps %(b)s (%(area)s m²)."),
    )
    faults += _overlaps(
        [
            (
                c,
                {
                    "shape": s,
                    "in_file": c in villages_in,
                    "where": villages_in[c]["where"] if c in villages_in else c,
                },
            )
            for c, s in village_shapes.items()
        ],
        level_of=lambda item: "",
        message=_("%(a)s overlaps %(b)s (%(area)s m²)."),
    )

    if faults:
        raise BoundaryImportRejected(
            ngettext(
                "The file has %(count)d fault; nothing was imported.",
                "The file has %(count)d faults; nothing was imported.",
                len(faults),
            )
            % {"count": len(faults)},
            faults,
        )

    created = updated = villages_written = 0
    with transaction.atomic():
        villages = {v.code: v for v in Village.objects.select_for_update().filter(township=township)}
        for code, item in villages_in.items():
            geometry = as_geojson(shapely.orient_polygons(shape(item["geometry"])))
            village = villages.get(code)
            if village is None:
                village = Village(township=township, code=code)
            village.name, village.kind, village.boundary = item["name"], item["kind"], geometry
            village.full_clean()
            village.save()
            villages[code] = village
            villages_written += 1
        grids = {g.code: g for g in Grid.objects.select_for_update().filter(township=township)}
        # parents before their micro-grids
        for code in sorted(grids_in, key=len):
            item = grids_in[code]
            geom = shapely.orient_polygons(shape(item["geometry"]))
            label = geom.representative_point()
            grid = grids.get(code)
            if grid is None:
                grid = Grid(township=township, code=code)
                created += 1
            else:
                updated += 1
            parent_code = final[code]["parent"]
            grid.village = villages[code[:12]]
            grid.parent = grids[parent_code] if parent_code else None
            grid.name, grid.kind, grid.boundary = item["name"], item["kind"], as_geojson(geom)
            grid.label_lng, grid.label_lat = round(label.x, 7), round(label.y, 7)
            grid.is_active = True
            grid.save()
            grids[code] = grid
        # now (this process's next lookup rebuilds) and again once committed (for every process)
        boundaries_changed(township.pk)
        transaction.on_commit(lambda: boundaries_changed(township.pk))
    record(
        kind=AuditKind.ACTION,
        user=by,
        request=request,
        action="grid.import_boundaries",
        object_type="grid.grid",
        township_id=township.pk,
        detail=f"villages={villages_written} created={created} updated={updated}",
    )
    return {"villages": villages_written, "created": created, "updated": updated}


def _overlaps(items, *, level_of, message) -> list[str]:
    """Pairs of one level whose interiors share more than rounding, at least one of them from the file."""
    faults = []
    by_level: dict = {}
    for code, item in items:
        by_level.setdefault(level_of(item), []).append((code, item))
    for members in by_level.values():
        if len(members) < 2:
            continue
        shapes = [m[1]["shape"] for m in members]
        tree = shapely.STRtree(shapes)
        left, right = tree.query(shapes, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            if i >= j:
                continue
            a, b = members[i], members[j]
            if not (a[1]["in_file"] or b[1]["in_file"]):
                continue
            area = shapes[i].intersection(shapes[j]).area
            if area > AREA_TOLERANCE:
                first, second = (a, b) if a[1]["in_file"] else (b, a)
                faults.append(
                    message
                    % {
                        "a": first[1]["where"],
                        "b": second[1]["where"] if second[1]["in_file"] else second[0],
                        "area": f"{area * 111_320 * 111_320 * 0.87:,.0f}",
                    }
                )
    return faults
