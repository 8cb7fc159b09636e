// Which city names the place picker's map writes, and where. Every name is set at a size a person
// reads whatever the map's width, and none lies over another name or over another city's dot (but
// the pinned city's, which is always written): in 5-unit type on a phone the names were 4 px high,
// and Helsinki sat on Tallinn. A name with no free place beside its dot is left out; the dot
// stays, and the city field finds the city by its name.

/** A city's dot on the map, in the map's own units. */
export interface MapDot {
  name: string;
  x: number;
  y: number;
}

/** A name as the map draws it: an SVG <text> at (x, y), its baseline, anchored at its start, end or middle. */
export interface MapLabel {
  name: string;
  x: number;
  y: number;
  anchor: "start" | "end" | "middle";
}

export interface LabelRoom {
  /** The map's width and height, in its units. */
  width: number;
  height: number;
  /** The names' font size, in the map's units. */
  size: number;
  /** The radius of every city's dot. */
  dot: number;
  /** A circle no name may cover, with the name that is written first beside it (the pin and its city). */
  pin?: { x: number; y: number; r: number; name?: string };
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * How wide a name is at `size`: the app's sans-serif faces (DejaVu Sans, Segoe UI, Roboto, SF) run at
 * 0.55-0.62 em a character for names like these; the larger figure, so that an estimate errs wide.
 */
export const nameWidth = (name: string, size: number) => name.length * size * 0.62;

/** What a label covers: its name's width, from 0.9 of its size above the baseline to 0.25 below it. */
export function labelBox(label: MapLabel, size: number): Box {
  const width = nameWidth(label.name, size);
  const left = label.anchor === "start" ? label.x : label.anchor === "end" ? label.x - width : label.x - width / 2;
  return { left, right: left + width, top: label.y - size * 0.9, bottom: label.y + size * 0.25 };
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const around = (x: number, y: number, r: number): Box => ({ left: x - r, right: x + r, top: y - r, bottom: y + r });

/**
 * The names to draw: the pinned city's first, then the others in the order given, each on the first
 * side of its dot (right, left, above, below, then the four corners) where it stays inside the map
 * and touches no name already placed, not the pin and, but for the pinned city's, no other dot.
 */
export function placeLabels(dots: MapDot[], room: LabelRoom): MapLabel[] {
  const { size, dot, pin } = room;
  const ordered = [...dots.filter((d) => d.name === pin?.name), ...dots.filter((d) => d.name !== pin?.name)];
  const obstacles = dots.map((d) => ({ name: d.name as string | undefined, box: around(d.x, d.y, dot) }));
  if (pin) obstacles.push({ name: undefined, box: around(pin.x, pin.y, pin.r) });
  const taken: Box[] = [];
  const labels: MapLabel[] = [];
  for (const city of ordered) {
    const gap = (city.name === pin?.name ? Math.max(pin.r, dot) : dot) + size * 0.25;
    // Baselines that set the box beside the dot (centred on it), above it, under it, or off a corner.
    const [above, below] = [city.y - gap - size * 0.25, city.y + gap + size * 0.9];
    const sides: MapLabel[] = [
      { name: city.name, x: city.x + gap, y: city.y + size * 0.325, anchor: "start" },
      { name: city.name, x: city.x - gap, y: city.y + size * 0.325, anchor: "end" },
      { name: city.name, x: city.x, y: above, anchor: "middle" },
      { name: city.name, x: city.x, y: below, anchor: "middle" },
      { name: city.name, x: city.x + gap / 2, y: above, anchor: "start" },
      { name: city.name, x: city.x - gap / 2, y: above, anchor: "end" },
      { name: city.name, x: city.x + gap / 2, y: below, anchor: "start" },
      { name: city.name, x: city.x - gap / 2, y: below, anchor: "end" },
    ];
    // The pinned city is named whatever dots lie around it (its name has a halo that keeps it
    // readable over one); every other name keeps clear of them.
    const pinned = city.name === pin?.name;
    for (const label of sides) {
      const box = labelBox(label, size);
      const fits = box.left >= 0 && box.top >= 0 && box.right <= room.width && box.bottom <= room.height;
      if (!fits || taken.some((other) => overlaps(box, other))) continue;
      if (obstacles.some((other) => other.name !== city.name && (!pinned || other.name === undefined) && overlaps(box, other.box))) continue;
      taken.push(box);
      labels.push(label);
      break;
    }
  }
  return labels;
}
