// A teleprompter: the script in large type that scrolls by itself while `running`, at a speed the
// speaker can change (words a minute); the speaker can also scroll it by hand or from the keyboard.
import { useEffect, useRef, useState } from "hono/jsx/dom";

const SPEEDS = [90, 120, 150, 180] as const;
const DEFAULT_SPEED = 120;
/** About how many pixels one word takes at the teleprompter's type size (scroll speed per word). */
const PIXELS_PER_WORD = 7;

export function Teleprompter({ script, running }: { script: string; running: boolean }) {
  const box = useRef<HTMLElement | null>(null);
  const [wordsPerMinute, setWordsPerMinute] = useState<number>(DEFAULT_SPEED);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    if (!running) return;
    element.scrollTop = 0;
    let last = performance.now();
    let position = 0;
    let frame = requestAnimationFrame(function step(now) {
      position += ((now - last) / 60_000) * wordsPerMinute * PIXELS_PER_WORD;
      last = now;
      // A hand scroll moves the reading point: carry on from there.
      if (Math.abs(element.scrollTop - Math.floor(position)) > 40) position = element.scrollTop;
      element.scrollTop = position;
      frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [running, wordsPerMinute]);
  return (
    <div class="teleprompter">
      <section
        ref={box}
        class="teleprompter-text"
        aria-label="Teleprompter"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it
        tabIndex={0}
        data-running={running ? "true" : "false"}
      >
        {script.split(/\n+/).map((paragraph) => (
          <p>{paragraph}</p>
        ))}
        <p aria-hidden="true" class="teleprompter-end" />
      </section>
      <label class="teleprompter-speed small">
        Speed
        <select value={String(wordsPerMinute)} onChange={(e: Event) => setWordsPerMinute(Number((e.target as HTMLSelectElement).value))}>
          {SPEEDS.map((speed) => (
            <option value={String(speed)}>{`${speed} words a minute`}</option>
          ))}
        </select>
      </label>
    </div>
  );
}
