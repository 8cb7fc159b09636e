// What deleting a studio box or project takes with it, in the words of its confirmation. Only what
// is there is named: an empty box's dialog said it went "with its 0 assets and their files".

/** "its asset", "its file"; "its 3 assets", "their files"; nothing for none. */
function assetsParts(count: number): string[] {
  if (count === 0) return [];
  return count === 1 ? ["its asset", "its file"] : [`its ${count} assets`, "their files"];
}

/** "a, b and c" */
function listed(parts: string[]): string {
  return parts.length < 2 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

// Retention keeps favourites and headliners from expiring; a person may think it keeps them from this too.
const KEPT_FROM_EXPIRING = "retention keeps them from expiring, not from deletion.";

export function deleteBoxText(name: string, assetCount: number): string {
  return [
    `“${name}” goes now with ${listed([...assetsParts(assetCount), "its comments"])}.`,
    assetCount > 0 && `Favourites and the headliner go too: ${KEPT_FROM_EXPIRING}`,
    "This cannot be undone.",
  ]
    .filter(Boolean)
    .join(" ");
}

export function deleteProjectText(name: string, boxCount: number, assetCount: number): string {
  const boxes = boxCount === 0 ? [] : [boxCount === 1 ? "its box" : `its ${boxCount} boxes`];
  return [
    `“${name}” goes now with ${listed([...boxes, ...assetsParts(assetCount), "the comments", "every share link (they stop working)"])}.`,
    assetCount > 0 && `Favourites and headliners go too: ${KEPT_FROM_EXPIRING}`,
    "This cannot be undone.",
  ]
    .filter(Boolean)
    .join(" ");
}
