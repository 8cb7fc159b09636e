// Where a vacancy is: a city typed by name (the built-in list, there is no geocoder) or a point
// clicked on a map the app draws itself. The map is an equirectangular grid with the known
// cities on it: no tile server, so it works offline and in `wrangler dev`. Arrow keys move the
// pin by one degree, so the map works from the keyboard too.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { CITIES, type City, findCity } from "./cities";
import { placeLabels } from "./map-labels";

export interface Place {
  lat: number;
  lng: number;
  place: string;
}

const WIDTH = 360;
const HEIGHT = 180;
// Europe first: the board's cities are mostly there, so the map opens on them and a click lands
// within a few kilometres; "World" shows everything.
const VIEWS = {
  europe: { west: -12, east: 35, south: 34, north: 62, label: "Europe" },
  world: { west: -180, east: 180, south: -90, north: 90, label: "World" },
} as const;
type View = keyof typeof VIEWS;

// What the map draws, in pixels on the screen whatever its width (its units scale with it): names a
// person reads, dots and a pin a finger finds.
const LABEL_PX = 11;
const DOT_PX = { europe: 3, world: 2 } as const;
const PIN_PX = 6;

const round = (n: number) => Math.round(n * 10_000) / 10_000;

/** The city on the list a place names, when the place is where that city is (a pin not moved off it). */
function cityAt(value: Place): City | undefined {
  const city = findCity(value.place);
  return city && city.lat === value.lat && city.lng === value.lng ? city : undefined;
}

/** "Berlin, Germany" for a city on the list; a place named otherwise keeps its coordinates beside it. */
function placeLine(value: Place): string {
  const coordinates = `${value.lat.toFixed(2)}, ${value.lng.toFixed(2)}`;
  const city = cityAt(value);
  if (city && `${city.name}, ${city.country}` === value.place) return value.place;
  return value.place === `${round(value.lat)}, ${round(value.lng)}` ? coordinates : `${value.place} (${coordinates})`;
}

/** `subject` names what is placed in the map's accessible name ("the vacancy", "you"). */
export function PlacePicker({ value, onChange, subject = "the vacancy" }: { value: Place | null; onChange: (place: Place | null) => void; subject?: string }) {
  const [view, setView] = useState<View>("europe");
  const [typed, setTyped] = useState(value?.place ?? "");
  const [note, setNote] = useState<string | null>(null);
  // The map's width on the screen, once drawn: it sets the size of the names in the map's units.
  const mapRef = useRef<HTMLDivElement | null>(null);
  const [mapPx, setMapPx] = useState(0);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const observer = new ResizeObserver(() => setMapPx(map.getBoundingClientRect().width));
    observer.observe(map);
    return () => observer.disconnect();
  }, []);
  const unit = mapPx > 0 ? WIDTH / mapPx : 1;
  const box = VIEWS[view];
  const x = (lng: number) => ((lng - box.west) / (box.east - box.west)) * WIDTH;
  const y = (lat: number) => ((box.north - lat) / (box.north - box.south)) * HEIGHT;
  const visible = (lat: number, lng: number) => lat <= box.north && lat >= box.south && lng >= box.west && lng <= box.east;

  const pickCity = (text: string) => {
    setTyped(text);
    if (!text.trim()) return;
    const city = findCity(text);
    if (city) {
      setNote(null);
      onChange({ lat: city.lat, lng: city.lng, place: `${city.name}, ${city.country}` });
    } else setNote("Not a city on the list: pick the place on the map and name it here.");
  };
  const rename = (text: string) => {
    setTyped(text);
    if (value && !findCity(text)) onChange({ ...value, place: text.trim() || value.place });
    else pickCity(text);
  };
  const click = (event: MouseEvent) => {
    const svg = (event.currentTarget as HTMLElement).querySelector("svg");
    if (!svg) return;
    const rect = svg.getBoundingClientRect();
    const lng = box.west + ((event.clientX - rect.left) / rect.width) * (box.east - box.west);
    const lat = box.north - ((event.clientY - rect.top) / rect.height) * (box.north - box.south);
    const nearest = CITIES.map((city) => ({ city, d: Math.hypot(city.lat - lat, (city.lng - lng) * Math.cos((lat * Math.PI) / 180)) })).sort(
      (a, b) => a.d - b.d,
    )[0];
    // A click within about 30 km of a listed city picks the city; elsewhere, the point itself.
    const place =
      nearest && nearest.d < 0.3
        ? { lat: nearest.city.lat, lng: nearest.city.lng, place: `${nearest.city.name}, ${nearest.city.country}` }
        : { lat: round(lat), lng: round(lng), place: typed.trim() && !findCity(typed) ? typed.trim() : `${round(lat)}, ${round(lng)}` };
    setTyped(place.place);
    setNote(null);
    onChange(place);
  };
  const nudge = (event: KeyboardEvent) => {
    const step: Record<string, [number, number]> = { ArrowUp: [1, 0], ArrowDown: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = step[event.key];
    if (!move) return;
    event.preventDefault();
    const from = value ?? { lat: 50, lng: 10, place: "" };
    const lat = Math.max(-90, Math.min(90, from.lat + move[0]));
    const lng = ((((from.lng + move[1] + 180) % 360) + 360) % 360) - 180;
    const place = { lat: round(lat), lng: round(lng), place: from.place || typed.trim() || `${round(lat)}, ${round(lng)}` };
    onChange(place);
  };

  const dots = CITIES.filter((city) => visible(city.lat, city.lng)).map((city) => ({ name: city.name, x: x(city.lng), y: y(city.lat) }));
  const pin = value && visible(value.lat, value.lng) ? { x: x(value.lng), y: y(value.lat), r: PIN_PX * unit } : null;
  const labels =
    mapPx > 0
      ? placeLabels(dots, {
          width: WIDTH,
          height: HEIGHT,
          size: LABEL_PX * unit,
          dot: DOT_PX[view] * unit,
          pin: pin && value ? { ...pin, name: cityAt(value)?.name } : undefined,
        })
      : [];

  return (
    <fieldset class="jobs-place">
      <legend>Place</legend>
      <label>
        City or place name
        <input list="jobs-place-cities" value={typed} placeholder="Berlin" onInput={(e: Event) => rename((e.target as HTMLInputElement).value)} />
      </label>
      <datalist id="jobs-place-cities">
        {CITIES.map((city) => (
          <option value={city.name}>{city.country}</option>
        ))}
      </datalist>
      <div class="row spread wrap jobs-place-status">
        <span class="muted small" aria-live="polite">
          {value ? placeLine(value) : "No place: click the map or type a city"}
        </span>
        <span class="row wrap">
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <button
              type="button"
              class={v === view ? "secondary small active" : "secondary small"}
              aria-pressed={v === view ? "true" : "false"}
              onClick={() => setView(v)}
            >
              {VIEWS[v].label}
            </button>
          ))}
          {value && (
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                setTyped("");
                onChange(null);
              }}
            >
              Clear place
            </button>
          )}
        </span>
      </div>
      <div
        ref={mapRef}
        class="jobs-map-button"
        role="application"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the map is a keyboard widget (role application): the arrow keys move the pin
        tabIndex={0}
        aria-label={`Map: click to place ${subject}; arrow keys move the pin`}
        onClick={click}
        onKeyDown={nudge}
      >
        <svg class="jobs-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true">
          <rect width={WIDTH} height={HEIGHT} class="jobs-map-sea" />
          {Array.from({ length: 13 }, (_, i) => -180 + i * 30)
            .filter((lng) => lng >= box.west && lng <= box.east)
            .map((lng) => (
              <line x1={x(lng)} x2={x(lng)} y1={0} y2={HEIGHT} class="jobs-map-grid" />
            ))}
          {Array.from({ length: 37 }, (_, i) => -90 + i * 5)
            .filter((lat) => lat >= box.south && lat <= box.north && (view === "europe" || lat % 30 === 0))
            .map((lat) => (
              <line x1={0} x2={WIDTH} y1={y(lat)} y2={y(lat)} class="jobs-map-grid" />
            ))}
          {dots.map((city) => (
            <circle cx={city.x} cy={city.y} r={DOT_PX[view] * unit} class="jobs-map-city" />
          ))}
          {labels.map((label) => (
            <text x={label.x} y={label.y} text-anchor={label.anchor} font-size={LABEL_PX * unit} stroke-width={3 * unit} class="jobs-map-label">
              {label.name}
            </text>
          ))}
          {pin && <circle cx={pin.x} cy={pin.y} r={pin.r} class="jobs-map-pin" />}
        </svg>
      </div>
      {note && <p class="muted small">{note}</p>}
    </fieldset>
  );
}
