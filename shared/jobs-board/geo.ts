/**
 * Great-circle geometry of the jobs board: the exact distance shown with search results, and the
 * grid cells and bounding boxes that let D1 find candidates through an index before the exact
 * distance is computed.
 */

/** Mean Earth radius (IUGG), the radius every distance of the board is measured on. */
export const EARTH_RADIUS_KM = 6371.0088;
/** Half the Earth's circumference: no two points are farther apart. */
export const MAX_DISTANCE_KM = Math.PI * EARTH_RADIUS_KM;

export interface Point {
  lat: number;
  lng: number;
}

export const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

/**
 * Haversine distance in km. The search's SQL (`distanceSql` in vacancies/search.ts) computes the
 * same formula in the same order, so what the query filters on is what this returns.
 */
export function distanceKm(a: Point, b: Point): number {
  const lat1 = toRadians(a.lat);
  const lat2 = toRadians(b.lat);
  const h = Math.min(1, Math.sin((lat2 - lat1) / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin((toRadians(b.lng) - toRadians(a.lng)) / 2) ** 2);
  // atan2 rather than asin(sqrt(h)): exact to the millimetre up to the antipode.
  return 2 * EARTH_RADIUS_KM * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
}

/** The point `km` away from `from` on the initial bearing `bearingDeg` (great circle). */
export function destination(from: Point, km: number, bearingDeg: number): Point {
  const d = km / EARTH_RADIUS_KM;
  const b = toRadians(bearingDeg);
  const lat1 = toRadians(from.lat);
  const lng1 = toRadians(from.lng);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
  const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return { lat: (lat2 * 180) / Math.PI, lng: (((lng2 * 180) / Math.PI + 540) % 360) - 180 };
}

/** A range of longitudes; `west > east` never happens: a box across the antimeridian has two. */
export interface LngRange {
  west: number;
  east: number;
}

/** Everything within `radiusKm` of a point lies inside these latitudes and longitude ranges. */
export interface BoundingBox {
  south: number;
  north: number;
  lngRanges: LngRange[];
}

/**
 * The smallest latitude band and longitude ranges holding the circle of `radiusKm` around
 * `center`. When the circle reaches a pole every longitude is in; when it crosses the
 * antimeridian the longitudes split in two ranges. (The longitude half-width is the exact one of
 * a spherical cap: asin(sin(r/R) / cos(lat)).)
 */
export function boundingBox(center: Point, radiusKm: number): BoundingBox {
  const angular = Math.min(radiusKm, MAX_DISTANCE_KM) / EARTH_RADIUS_KM;
  const angularDeg = (angular * 180) / Math.PI;
  const south = center.lat - angularDeg;
  const north = center.lat + angularDeg;
  if (south <= -90 || north >= 90) {
    return { south: Math.max(-90, south), north: Math.min(90, north), lngRanges: [{ west: -180, east: 180 }] };
  }
  const ratio = Math.sin(angular) / Math.cos(toRadians(center.lat));
  if (ratio >= 1) return { south, north, lngRanges: [{ west: -180, east: 180 }] };
  const halfWidth = (Math.asin(ratio) * 180) / Math.PI;
  const west = center.lng - halfWidth;
  const east = center.lng + halfWidth;
  if (west < -180)
    return {
      south,
      north,
      lngRanges: [
        { west: west + 360, east: 180 },
        { west: -180, east },
      ],
    };
  if (east > 180)
    return {
      south,
      north,
      lngRanges: [
        { west, east: 180 },
        { west: -180, east: east - 360 },
      ],
    };
  return { south, north, lngRanges: [{ west, east }] };
}

/**
 * A grid of `sizeDeg`-degree cells numbered row by row (south to north, west to east), so the
 * cells of one latitude row across a longitude range are one range of numbers: a bounding box
 * becomes a few `BETWEEN` ranges on an index.
 */
export class CellGrid {
  readonly sizeDeg: number;
  readonly columns: number;
  readonly rows: number;

  // No parameter property: bench/search.ts loads this file with Node's type stripping.
  constructor(sizeDeg: number) {
    this.sizeDeg = sizeDeg;
    this.columns = Math.round(360 / sizeDeg);
    this.rows = Math.round(180 / sizeDeg);
  }

  private row(lat: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((lat + 90) / this.sizeDeg)));
  }

  private column(lng: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((lng + 180) / this.sizeDeg)));
  }

  cellOf(point: Point): number {
    return this.row(point.lat) * this.columns + this.column(point.lng);
  }

  /** Latitude rows the box spans. */
  rowCount(box: BoundingBox): number {
    return this.row(box.north) - this.row(box.south) + 1;
  }

  /** Inclusive ranges of cell numbers covering the box: one per latitude row and longitude range. */
  ranges(box: BoundingBox): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let row = this.row(box.south); row <= this.row(box.north); row++) {
      for (const range of box.lngRanges) out.push([row * this.columns + this.column(range.west), row * this.columns + this.column(range.east)]);
    }
    return out;
  }

  /** Every cell covering the box (for the coarse grid, whose cells are few). */
  cells(box: BoundingBox): number[] {
    const out: number[] = [];
    for (const [first, last] of this.ranges(box)) for (let cell = first; cell <= last; cell++) out.push(cell);
    return out;
  }

  /** Area of one cell in km² at the given latitude (for density estimates). */
  cellAreaKm2(lat: number): number {
    const side = (this.sizeDeg * Math.PI * EARTH_RADIUS_KM) / 180;
    return side * side * Math.max(0.01, Math.cos(toRadians(Math.min(89.9, Math.abs(lat)))));
  }
}

/** Cells the search index reads small areas by (about 1.1 km tall). */
export const FINE_GRID = new CellGrid(0.01);
/** Cells the published counts are kept by (to estimate how many vacancies an area holds), and large areas are read by. */
export const COARSE_GRID = new CellGrid(0.2);
/** 2° cells (10 x 10 coarse cells): the counts large areas are estimated with. */
export const REGION_GRID = new CellGrid(2);

/**
 * A rectangle of stored R*Tree lower bounds: points whose stored `south` is in [south, north) and
 * stored `west` in [west, east). (The R*Tree keeps float32 bounds rounded outwards, so a point's
 * stored lower bound is at most a few 1e-6 degrees below its true coordinate.)
 */
export interface StoredBoundsRect {
  south: number;
  north: number;
  west: number;
  east: number;
}

/**
 * More than the R*Tree's float32 rounding of any coordinate: below 1.53e-5 degrees (one unit in
 * the last place) for every value under 256, and the R*Tree rounds lower bounds down.
 */
export const STORED_BOUND_SLACK_DEG = 2e-5;
/** Rectangle bounds are written with 6 decimals (about 0.1 m): they go into the SQL text. */
const BOUND_DECIMALS = 1e6;
const floorBound = (x: number) => Math.floor(x * BOUND_DECIMALS) / BOUND_DECIMALS;
const ceilBound = (x: number) => Math.ceil(x * BOUND_DECIMALS) / BOUND_DECIMALS;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/**
 * Half the longitude span of the circle of `km` around `center` at latitude `lat` (degrees): 0
 * where the circle does not reach that latitude, null where it spans every longitude.
 */
function circleHalfWidthDeg(center: Point, km: number, lat: number): number | null {
  const lat0 = toRadians(center.lat);
  const phi = toRadians(lat);
  const c = (Math.cos(km / EARTH_RADIUS_KM) - Math.sin(lat0) * Math.sin(phi)) / (Math.cos(lat0) * Math.cos(phi));
  if (c >= 1) return 0;
  if (c <= -1) return null;
  return toDegrees(Math.acos(c));
}

/**
 * The circle's half-width in longitude over the latitudes [south, north]: the most (null where it
 * spans every longitude) and the least (0 where the circle misses part of the band). The
 * half-width is unimodal in latitude, so the least is at an end and the most at an end or where
 * the circle is widest.
 */
export function circleHalfWidthRange(center: Point, km: number, south: number, north: number): { most: number | null; least: number } {
  const widest = toDegrees(Math.asin(Math.min(1, Math.max(-1, Math.sin(toRadians(center.lat)) / Math.cos(Math.min(km, MAX_DISTANCE_KM) / EARTH_RADIUS_KM)))));
  const ends = [south, north].map((lat) => circleHalfWidthDeg(center, km, lat));
  const inside = widest > south && widest < north ? [circleHalfWidthDeg(center, km, widest)] : [];
  const all = [...ends, ...inside];
  return {
    most: all.some((w) => w === null) ? null : Math.max(...(all as number[])),
    least: ends.some((w) => w === null) ? 0 : Math.min(...(ends as number[])),
  };
}

/**
 * Where the circle of `km` around `center` crosses the meridian `dLng` degrees from the centre's:
 * its northern and southern latitude there, or null where the circle does not reach it.
 * (cos(km/R) = sin(lat0) sin(lat) + cos(lat0) cos(lat) cos(dLng), solved for lat.)
 */
function circleLatitudesAt(center: Point, km: number, dLng: number): { north: number; south: number } | null {
  const a = Math.sin(toRadians(center.lat));
  const b = Math.cos(toRadians(center.lat)) * Math.cos(toRadians(dLng));
  const norm = Math.hypot(a, b);
  const ratio = Math.cos(km / EARTH_RADIUS_KM) / norm;
  if (ratio > 1) return null;
  const mid = Math.atan2(a, b);
  const half = Math.acos(Math.max(-1, ratio));
  return { north: toDegrees(mid + half), south: toDegrees(mid - half) };
}

/** Splits a rectangle of an unwrapped longitude frame at the antimeridian (a stored west is in [-180, 180]). */
function wrapped(rect: StoredBoundsRect): StoredBoundsRect[] {
  const just = 1 / BOUND_DECIMALS;
  if (rect.east > 180) {
    if (rect.west >= 180) return [{ ...rect, west: rect.west - 360, east: rect.east - 360 }];
    return [
      { ...rect, east: 180 + just },
      { ...rect, west: -180 - just, east: rect.east - 360 },
    ];
  }
  if (rect.west < -180) {
    if (rect.east <= -180) return [{ ...rect, west: rect.west + 360, east: rect.east + 360 }];
    return [
      { ...rect, west: -180 - just },
      { ...rect, west: rect.west + 360, east: 180 + just },
    ];
  }
  return [rect];
}

/** The thinnest strip `annulusRects` cuts: this many per outer radius. */
const MAX_STRIPS_PER_RADIUS = 1000;

/**
 * Disjoint rectangles of stored R*Tree bounds holding every point farther than `innerKm` and
 * within `outerKm` of `center`, in strips about `stripKm` wide that run across the annulus:
 * rows of latitude where the circles are steep (between the points at bearings 45° and 135°, and
 * 225° and 315°), columns of longitude where they are flat (the caps north and south of those).
 * A strip reads, beyond the annulus, a sliver about its width squared times the circle's slope,
 * and the slope never exceeds 1 in this split, so what a ring reads beyond itself is about
 * 0.5 x circumference x strip width x density. Null when the circle comes within a degree of a
 * pole (the caller reads the bounding box instead); across the antimeridian strips are split.
 */
export function annulusRects(center: Point, innerKm: number, outerKm: number, stripKm: number): StoredBoundsRect[] | null {
  // However thin the strips asked for (a strip is sized from the inner radius, which a cursor can
  // put a centimetre from the centre), a ring is never cut into more than about 3,000 rectangles.
  stripKm = Math.max(stripKm, outerKm / MAX_STRIPS_PER_RADIUS);
  const slack = STORED_BOUND_SLACK_DEG;
  const outerDeg = toDegrees(outerKm / EARTH_RADIUS_KM);
  const south = center.lat - outerDeg;
  const north = center.lat + outerDeg;
  if (south - 2 * slack <= -89 || north + 2 * slack >= 89 || outerDeg <= 0 || outerKm >= MAX_DISTANCE_KM / 2) return null;
  const kmPerDeg = (Math.PI * EARTH_RADIUS_KM) / 180;
  const rects: StoredBoundsRect[] = [];
  // Where the outer circle is widest (a little poleward of the centre).
  const widest = toDegrees(Math.asin(Math.min(1, Math.max(-1, Math.sin(toRadians(center.lat)) / Math.cos(outerKm / EARTH_RADIUS_KM)))));
  /** The outer circle's largest half-width over true latitudes [low, high]; null if it spans every longitude. */
  const outerHalfWidth = (low: number, high: number) => {
    const widths = [low, high, ...(widest > low && widest < high ? [widest] : [])].map((lat) => circleHalfWidthDeg(center, outerKm, lat));
    // (Within a strip of 180 degrees the rectangles would overlap themselves across the antimeridian.)
    return widths.some((w) => w === null || w > 179) ? null : Math.max(...(widths as number[]));
  };
  const splitNorth = floorBound(Math.min(north, Math.max(center.lat, destination(center, outerKm, 45).lat)));
  const splitSouth = floorBound(Math.max(south, Math.min(center.lat, destination(center, outerKm, 135).lat)));

  // Rows: stored south in [splitSouth, splitNorth); a point of a row has its true latitude in [row south, row north + slack].
  const rowCount = Math.max(1, Math.ceil(((splitNorth - splitSouth) * kmPerDeg) / stripKm));
  const rowEdges = Array.from({ length: rowCount + 1 }, (_, i) =>
    i === 0 ? splitSouth : i === rowCount ? splitNorth : floorBound(splitSouth + ((splitNorth - splitSouth) * i) / rowCount),
  );
  for (let row = 0; row < rowCount; row++) {
    const rowSouth = rowEdges[row]!;
    const rowNorth = rowEdges[row + 1]!;
    if (rowNorth <= rowSouth) continue;
    const high = rowNorth + slack;
    const outerWidth = outerHalfWidth(rowSouth, high);
    if (outerWidth === null) return null;
    const west = floorBound(center.lng - outerWidth - 2 * slack);
    const east = ceilBound(center.lng + outerWidth + slack);
    // The inner circle's half-width is unimodal in latitude: its least over the row is at an end.
    const innerWidths = innerKm > 0 ? [rowSouth, high].map((lat) => circleHalfWidthDeg(center, innerKm, lat)) : [0];
    const inner = innerWidths.some((w) => w === null) ? 0 : Math.min(...(innerWidths as number[])) * (1 - 1e-9);
    const holeWest = ceilBound(center.lng - inner + slack);
    const holeEast = floorBound(center.lng + inner - 2 * slack);
    if (holeEast > holeWest) {
      rects.push(
        ...wrapped({ south: rowSouth, north: rowNorth, west, east: holeWest }),
        ...wrapped({ south: rowSouth, north: rowNorth, west: holeEast, east }),
      );
    } else {
      rects.push(...wrapped({ south: rowSouth, north: rowNorth, west, east }));
    }
  }

  // Caps: columns of stored west; a point of a column has its true longitude in [column west, column east + slack].
  for (const cap of ["north", "south"] as const) {
    // True latitudes the cap's points have: north of splitNorth, or south of splitSouth + slack.
    const capLow = cap === "north" ? splitNorth : south - slack;
    const capHigh = cap === "north" ? north + slack : splitSouth + slack;
    if (capHigh <= capLow) continue;
    const halfWidth = outerHalfWidth(capLow, capHigh);
    if (halfWidth === null) return null;
    const capLat = cap === "north" ? splitNorth : splitSouth;
    const widthKm = 2 * halfWidth * kmPerDeg * Math.cos(toRadians(capLat));
    const columnCount = Math.max(1, Math.ceil(widthKm / stripKm));
    const capWest = floorBound(center.lng - halfWidth - 2 * slack);
    const capEast = ceilBound(center.lng + halfWidth + slack);
    const columnEdges = Array.from({ length: columnCount + 1 }, (_, i) =>
      i === 0 ? capWest : i === columnCount ? capEast : floorBound(capWest + ((capEast - capWest) * i) / columnCount),
    );
    for (let column = 0; column < columnCount; column++) {
      const colWest = columnEdges[column]!;
      const colEast = columnEdges[column + 1]!;
      if (colEast <= colWest) continue;
      // Offsets from the centre's meridian nearest to and farthest from it within the column.
      const offsets = [colWest - center.lng, colEast + slack - center.lng];
      const nearest = offsets[0]! <= 0 && offsets[1]! >= 0 ? 0 : Math.min(...offsets.map(Math.abs));
      const farthest = Math.max(...offsets.map(Math.abs));
      const outer = circleLatitudesAt(center, outerKm, nearest);
      if (!outer) continue;
      // (Only an inner circle wholly on the centre's side of the split bounds the column: true for every circle short of a pole.)
      const crossing = innerKm > 0 ? circleLatitudesAt(center, innerKm, farthest) : null;
      const inner = crossing && (cap === "north" ? crossing.south < capLat - slack : crossing.north > capLat + slack) ? crossing : null;
      if (cap === "north") {
        // Closer than innerKm: everything south of the inner circle's northern edge (its lowest over the column is at the far end).
        const low = inner ? Math.max(capLat, floorBound(inner.north - 2 * slack)) : capLat;
        const high = ceilBound(outer.north + slack);
        if (high > low) rects.push(...wrapped({ south: low, north: high, west: colWest, east: colEast }));
      } else {
        const low = floorBound(outer.south - 2 * slack);
        const high = inner ? Math.min(capLat, ceilBound(inner.south + slack)) : capLat;
        if (high > low) rects.push(...wrapped({ south: low, north: high, west: colWest, east: colEast }));
      }
    }
  }
  return rects;
}

/**
 * `annulusRects` for rings wholly beyond a quarter of the globe too: such a ring is a ring around
 * the antipode (a point's distance from it is half the circumference less its distance from the
 * centre). Null near a pole or across the quarter (`latitudeRowRects` reads those).
 */
export function ringRects(center: Point, innerKm: number, outerKm: number, stripKm: number): StoredBoundsRect[] | null {
  const near = annulusRects(center, innerKm, outerKm, stripKm);
  if (near || innerKm <= MAX_DISTANCE_KM / 2) return near;
  const antipode = { lat: -center.lat, lng: center.lng > 0 ? center.lng - 180 : center.lng + 180 };
  return annulusRects(antipode, Math.max(0, MAX_DISTANCE_KM - outerKm), MAX_DISTANCE_KM - innerKm, stripKm);
}

/** A latitude short of the pole, where a longitude span is still defined. */
const offPole = (lat: number) => Math.max(-90 + 1e-9, Math.min(90 - 1e-9, lat));

/**
 * Disjoint rectangles of stored R*Tree bounds holding every point farther than `innerKm` and
 * within `outerKm` of `center`, for any ring on the sphere: rows of latitude about `stripKm`
 * high (at most 400), each the outer circle's longitudes over the row less the inner circle's over
 * the whole row. At any latitude a circle's points are one span of longitude about the centre's
 * (or all of them), whatever its size, so this holds around a pole and beyond a hemisphere; a
 * row reads more than the ring where the circles run flat across it, which the ring's row cap
 * bounds. (A bounding box instead would hold, for a circle near a pole or across the globe, rows
 * no cap bounds: issue 23, finding 2.)
 */
export function latitudeRowRects(center: Point, innerKm: number, outerKm: number, stripKm: number): StoredBoundsRect[] {
  const slack = STORED_BOUND_SLACK_DEG;
  const outerDeg = toDegrees(Math.min(outerKm, MAX_DISTANCE_KM) / EARTH_RADIUS_KM);
  const innerDeg = toDegrees(Math.min(innerKm, MAX_DISTANCE_KM) / EARTH_RADIUS_KM);
  // An inner circle around a pole holds every point poleward of its edge's farthest reach (on the
  // meridian opposite the centre's): the ring lies between the outer circle's reach and that.
  let south = Math.max(-90, center.lat - outerDeg);
  let north = Math.min(90, center.lat + outerDeg);
  if (center.lat + innerDeg >= 90) north = Math.min(north, 180 - center.lat - innerDeg);
  if (center.lat - innerDeg <= -90) south = Math.max(south, -180 - center.lat + innerDeg);
  const bandSouth = floorBound(south - 2 * slack);
  const bandNorth = ceilBound(north + 2 * slack);
  const kmPerDeg = (Math.PI * EARTH_RADIUS_KM) / 180;
  // Rows no thinner than a 400th of the band (about 1,600 rectangles at most).
  const rowCount = Math.max(1, Math.min(400, Math.ceil(((bandNorth - bandSouth) * kmPerDeg) / stripKm)));
  const edges = Array.from({ length: rowCount + 1 }, (_, i) =>
    i === 0 ? bandSouth : i === rowCount ? bandNorth : floorBound(bandSouth + ((bandNorth - bandSouth) * i) / rowCount),
  );
  // Where each circle's half-width has its one turning point (its widest, or for a circle larger
  // than a hemisphere its narrowest): with the row's ends, where its most and least over a row lie.
  const turning = (km: number) =>
    toDegrees(Math.asin(Math.min(1, Math.max(-1, Math.sin(toRadians(center.lat)) / Math.cos(Math.min(km, MAX_DISTANCE_KM) / EARTH_RADIUS_KM)))));
  const widths = (km: number, low: number, high: number) => {
    const t = turning(km);
    return [low, high, ...(t > low && t < high ? [t] : [])].map((lat) => circleHalfWidthDeg(center, km, offPole(lat)));
  };
  const all = { west: -181, east: 181 };
  const rects: StoredBoundsRect[] = [];
  for (let row = 0; row < rowCount; row++) {
    const south = edges[row]!;
    const north = edges[row + 1]!;
    if (north <= south) continue;
    // True latitudes of the row's points: [south, north + slack].
    const outer = widths(outerKm, south, north + slack);
    const most = outer.some((w) => w === null) ? null : Math.max(...(outer as number[]));
    // (null: every longitude within the inner circle at that latitude.)
    const inner = innerKm > 0 ? widths(innerKm, south, north + slack).map((w) => w ?? 180) : [0];
    if (Math.min(...inner) >= 180) continue;
    const least = Math.min(...inner) * (1 - 1e-9);
    const spansAll = most === null || most + 3 * slack >= 180;
    const west = spansAll ? center.lng - 180 : floorBound(center.lng - most - 2 * slack);
    const east = spansAll ? center.lng + 180 : ceilBound(center.lng + most + slack);
    const holeWest = ceilBound(center.lng - least + slack);
    const holeEast = floorBound(center.lng + least - 2 * slack);
    if (holeEast > holeWest) {
      rects.push(...wrapped({ south, north, west: floorBound(west), east: holeWest }), ...wrapped({ south, north, west: holeEast, east: ceilBound(east) }));
    } else if (spansAll) {
      rects.push({ south, north, ...all });
    } else {
      rects.push(...wrapped({ south, north, west, east }));
    }
  }
  return rects;
}
