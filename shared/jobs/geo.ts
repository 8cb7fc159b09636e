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
  if (west < -180) return { south, north, lngRanges: [{ west: west + 360, east: 180 }, { west: -180, east }] };
  if (east > 180) return { south, north, lngRanges: [{ west, east: 180 }, { west: -180, east: east - 360 }] };
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

/** More than the R*Tree's float32 rounding of any coordinate (about 1.5e-5 degrees at 180). */
const STORED_BOUND_SLACK_DEG = 1e-4;

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
  return (Math.acos(c) * 180) / Math.PI;
}

/**
 * Disjoint rectangles of stored R*Tree bounds holding every point farther than `innerKm` and
 * within `outerKm` of `center`: rows of latitude, each with the circle's longitude span minus the
 * span wholly inside the inner circle. Reading them costs the annulus plus thin edges, where a
 * bounding box would also read its corners and everything already paged through. Null near the
 * poles and across the antimeridian (the caller reads the bounding box instead).
 */
export function annulusRects(center: Point, innerKm: number, outerKm: number, rowCount: number): StoredBoundsRect[] | null {
  const slack = STORED_BOUND_SLACK_DEG;
  const outerDeg = (outerKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const south = center.lat - outerDeg;
  const north = center.lat + outerDeg;
  if (south - 2 * slack <= -89 || north + 2 * slack >= 89 || outerDeg <= 0) return null;
  // Where the outer circle is widest (a little poleward of the centre).
  const widest = (Math.asin(Math.min(1, Math.max(-1, Math.sin(toRadians(center.lat)) / Math.cos(outerKm / EARTH_RADIUS_KM)))) * 180) / Math.PI;
  const height = (north - south) / rowCount;
  const rects: StoredBoundsRect[] = [];
  for (let row = 0; row < rowCount; row++) {
    const rowSouth = row === 0 ? south - slack : south + row * height;
    const rowNorth = row === rowCount - 1 ? north + slack : south + (row + 1) * height;
    // True latitudes of points whose stored south is in the row.
    const low = rowSouth - slack;
    const high = rowNorth + slack;
    const spans = [low, high, ...(widest > low && widest < high ? [widest] : [])].map((lat) => circleHalfWidthDeg(center, outerKm, lat));
    if (spans.some((w) => w === null)) return null;
    const outer = Math.max(...(spans as number[])) + slack;
    if (center.lng - outer <= -180 || center.lng + outer >= 180) return null;
    const west = center.lng - outer;
    const east = center.lng + outer;
    const innerSpans = innerKm > 0 ? [low, high].map((lat) => circleHalfWidthDeg(center, innerKm, lat)) : [0];
    const inner = innerSpans.some((w) => w === null) ? 0 : Math.min(...(innerSpans as number[])) * (1 - 1e-9) - slack;
    if (inner > slack) {
      rects.push({ south: rowSouth, north: rowNorth, west, east: center.lng - inner }, { south: rowSouth, north: rowNorth, west: center.lng + inner - slack, east });
    } else {
      rects.push({ south: rowSouth, north: rowNorth, west, east });
    }
  }
  return rects;
}
