// Light, dark or the system's theme, kept on this device.
import { useState } from "hono/jsx/dom";
import { chooseTheme, storedTheme, type Theme } from "./theme";

const CHOICES: { value: Theme; label: string }[] = [
  { value: "system", label: "Like the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export function AppearancePanel() {
  const [theme, setTheme] = useState<Theme>(storedTheme());
  const choose = (value: Theme) => {
    chooseTheme(value);
    setTheme(value);
  };
  return (
    <fieldset class="choice-row">
      <legend class="muted small">Theme</legend>
      {CHOICES.map((choice) => (
        <label key={choice.value} class="choice">
          <input type="radio" name="theme" value={choice.value} checked={theme === choice.value} onChange={() => choose(choice.value)} />
          {choice.label}
        </label>
      ))}
    </fieldset>
  );
}
