"""A place (tests.grid.events.helpers) whose two grids have boundaries: side by side, sharing the
meridian 120.30 as their border."""

from tests.grid.events.helpers import LAT, LNG, make_place


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def mapped_place():
    place = make_place()
    place.grid.boundary = square(LNG - 0.01, LAT - 0.01, LNG, LAT + 0.01)
    place.grid.label_lat, place.grid.label_lng = LAT, LNG - 0.005
    place.grid.save()
    place.other_grid.boundary = square(LNG, LAT - 0.01, LNG + 0.01, LAT + 0.01)
    place.other_grid.label_lat, place.other_grid.label_lng = LAT, LNG + 0.005
    place.other_grid.save()
    return place
