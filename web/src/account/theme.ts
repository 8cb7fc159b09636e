// The account's theme on this device: light, dark, or the system's (the default). app.css picks
// each colour with light-dark(), which follows color-scheme: data-theme on <html> pins it.
export type Theme = "light" | "dark" | "system";

const KEY = "edge-platform.theme";

export function storedTheme(): Theme {
  const value = localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

export function applyTheme(theme: Theme): void {
  if (theme === "system") document.documentElement.removeAttribute("data-theme");
  else document.documentElement.setAttribute("data-theme", theme);
}

export function chooseTheme(theme: Theme): void {
  if (theme === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, theme);
  applyTheme(theme);
}

applyTheme(storedTheme());
