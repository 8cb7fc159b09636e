// What every screen of the web app must pass, checked the same way by every browser test: it fits a
// phone (390 px) and a desktop (1280 px) with nothing sticking out (sideways, or below the app's
// frame), and axe-core finds no serious or critical accessibility violation; it still fits a 320 px
// phone, and both widths with its text at 150%. The screenshots at both widths go to docs/screenshots/.
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;
/**
 * The narrowest phones in use (and WCAG's reflow width): each checked screen is narrowed to it, with
 * no screenshot, and must still fit. At 390 px a button's words or a row of controls can fit with a
 * few pixels to spare that 320 px takes away.
 */
export const NARROW_PHONE = { width: 320, height: 640 } as const;
/**
 * The text size of a browser set to "very large" (24 px for the usual 16): each checked screen is
 * shown on a phone and a desktop with its text at this size, with no screenshot, and must still
 * fit. Text in rem and em grows; paddings, icons and fixed columns in px do not, so rows of
 * controls meet first.
 */
export const LARGE_TEXT = "150%";
export const SCREENSHOTS = "docs/screenshots";

/** The page's own objects these checks read (this file is compiled without the DOM lib). */
interface PageRect {
  top: number;
  left: number;
  right: number;
  width: number;
  height: number;
}
interface PageElement {
  id: string;
  className: unknown;
  tagName: string;
  textContent: string | null;
  parentElement: PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): PageRect;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  children: ArrayLike<PageElement>;
  /** False when not drawn: hidden, or inside a closed <details> (whose content keeps its boxes). */
  checkVisibility(): boolean;
  contains(other: unknown): boolean;
}
interface PageStyle {
  whiteSpace: string;
  overflowX: string;
  contain: string;
  position: string;
  visibility: string;
  display: string;
}
/** A text node, as the short-actions check walks them. */
interface PageText {
  textContent: string | null;
  parentElement: PageElement | null;
}
interface PageGlobals {
  document: {
    documentElement: { clientWidth: number; style: { fontSize: string } };
    body: PageElement;
    createTreeWalker(root: PageElement, whatToShow: number): { nextNode(): PageText | null };
    createRange(): { selectNodeContents(node: PageText): void; getClientRects(): ArrayLike<PageRect> };
  };
  getComputedStyle(element: PageElement): PageStyle;
  requestAnimationFrame(callback: () => void): void;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** An element that reaches past the viewport's sides without an ancestor that clips or scrolls it. */
export interface Overflow {
  element: string;
  left: number;
  right: number;
  viewport: number;
}

/**
 * Every visible element whose box reaches outside the viewport horizontally, unless an ancestor
 * clips it or scrolls it (a horizontally scrolling board is allowed; the page itself must not
 * scroll sideways).
 */
export async function overflowingElements(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const win = globalThis as unknown as PageGlobals;
    const doc = win.document;
    const viewport = doc.documentElement.clientWidth;
    const clipped = (element: PageElement): boolean => {
      for (let parent = element.parentElement; parent && parent !== doc.body; parent = parent.parentElement) {
        // A section's <main> is the page's own scroller: content that makes it scroll sideways
        // makes the page scroll sideways (a section's tab bar did, with its last tabs off a phone).
        if (parent.tagName === "MAIN") continue;
        const style = win.getComputedStyle(parent);
        if (style.overflowX !== "visible" || style.contain.includes("paint")) return true;
        if (style.position === "fixed") return false;
      }
      return false;
    };
    const describe = (element: PageElement): string => {
      const id = element.id ? `#${element.id}` : "";
      const classes = typeof element.className === "string" && element.className ? `.${element.className.trim().split(/\s+/).join(".")}` : "";
      const label = element.getAttribute("aria-label") ?? element.textContent?.trim().slice(0, 40) ?? "";
      return `${element.tagName.toLowerCase()}${id}${classes} "${label}"`;
    };
    const found: { element: string; left: number; right: number; viewport: number }[] = [];
    for (const element of Array.from(doc.body.querySelectorAll("*"))) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = win.getComputedStyle(element);
      if (style.visibility === "hidden" || style.display === "none") continue;
      if (rect.left >= -1 && rect.right <= viewport + 1) continue;
      if (clipped(element)) continue;
      found.push({ element: describe(element), left: Math.round(rect.left), right: Math.round(rect.right), viewport });
    }
    return found;
  });
}

/**
 * How far the page itself scrolls down past the app's frame, in px (0 when it does not). The app
 * fills the screen and each part scrolls inside it, so a page that scrolls has something escaping
 * its panel: a phone then scrolls into blank space under the navigation. Pages outside the app's
 * frame (the landing page, the docs) scroll as pages do and are not checked.
 */
export async function pageScrollPastFrame(page: Page): Promise<number> {
  return page.evaluate(() => {
    const doc = (
      globalThis as unknown as { document: { documentElement: { scrollHeight: number; clientHeight: number }; querySelector(selector: string): unknown } }
    ).document;
    if (!doc.querySelector(".frame")) return 0;
    return Math.max(0, doc.documentElement.scrollHeight - doc.documentElement.clientHeight);
  });
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => "axe" in globalThis);
  // Evaluated through the DevTools protocol, not as a script tag: the app's CSP allows no inline script.
  if (!loaded) await page.evaluate(`${axeSource}\n;void 0`);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string; failureSummary?: string }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<Result> } }).axe;
    const result = await axe.run((globalThis as unknown as PageGlobals).document, {
      resultTypes: ["violations"],
    });
    return result.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        // The element and why it fails, so a failure says what to fix without a second run.
        targets: violation.nodes.map((node) => `${node.target.join(" ")} ${node.html.slice(0, 160)} ${node.failureSummary ?? ""}`),
      }));
  });
}

export interface ScreenCheck {
  /** Screenshot of the whole page at 390 px (a long screen), not only the first viewport. */
  fullPage?: boolean;
  /** Run after each resize, before the checks (e.g. wait for a layout that depends on the width). */
  settle?: (page: Page) => Promise<void>;
  /** axe-core rule ids that do not apply to this screen, each with the reason in the test. */
  skipRules?: string[];
}

/**
 * Takes `docs/screenshots/<name>-1280.png` and `<name>-390.png` and, at each width, fails the test
 * on an element wider than the viewport, a serious accessibility violation or any other check of
 * `expectSoundScreen`; then narrows the page to 320 px, and shows it at 390 and 1280 px with its
 * text at 150%, and holds it to `expectFits` each time (no screenshot).
 * The page is left at its width from before the call.
 */
export async function checkScreen(page: Page, name: string, options: ScreenCheck = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  try {
    for (const [size, suffix] of [
      [DESKTOP, "1280"],
      [PHONE, "390"],
    ] as const) {
      await page.setViewportSize(size);
      await twoFrames(page);
      await options.settle?.(page);
      await mediaInViewLoaded(page);
      await liveConnectionsOpen(page);
      await page.screenshot({ path: `${SCREENSHOTS}/${name}-${suffix}.png`, fullPage: suffix === "390" && (options.fullPage ?? true) });
      await expectSoundScreen(page, `${name} at ${size.width} px`, options.skipRules);
    }
    for (const [size, textSize] of [
      [NARROW_PHONE, ""],
      [PHONE, LARGE_TEXT],
      [DESKTOP, LARGE_TEXT],
    ] as const) {
      await setRootTextSize(page, textSize);
      await page.setViewportSize(size);
      await twoFrames(page);
      await options.settle?.(page);
      await expectFits(page, `${name} at ${size.width} px${textSize ? ` with its text at ${textSize}` : ""}`);
    }
  } finally {
    await setRootTextSize(page, "");
    await page.setViewportSize(before);
    await drawsAgain(page, before);
  }
}

/**
 * A screenshot of the page as it is now, at the width it has, held to checkScreen's checks. For a
 * moment a test catches once, at one width (a call ringing, an upload half done, a second
 * person's phone), where resizing would change what is shown.
 */
export async function checkedShot(page: Page, path: string, options: { fullPage?: boolean; skipRules?: string[] } = {}): Promise<void> {
  await mediaInViewLoaded(page);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  await expectSoundScreen(page, `${path.replace(/^.*\//, "")} at ${page.viewportSize()?.width ?? "?"} px`, options.skipRules);
}

/** The middle of a thing from the page's top, in px: two things on one line share it. */
export async function middleY(locator: Locator): Promise<number> {
  const box = (await locator.boundingBox())!;
  return box.y + box.height / 2;
}

/** A property of the element's computed style by its CSS name ("background-color"), as the browser resolved it. */
export function computedStyle(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    (element, name) =>
      (globalThis as unknown as { getComputedStyle(element: unknown): { getPropertyValue(name: string): string } })
        .getComputedStyle(element)
        .getPropertyValue(name),
    property,
  );
}

/**
 * How much of a thing a person sees now, from 0 (none: below the fold, or clipped by the box that
 * scrolls it) to 1 (all of it), as the browser's IntersectionObserver reckons it.
 */
export function shareInView(locator: Locator): Promise<number> {
  type Observer = { observe(element: unknown): void; disconnect(): void };
  type ObserverClass = new (callback: (entries: { intersectionRatio: number }[], observer: Observer) => void) => Observer;
  return locator.evaluate(
    (element) =>
      new Promise<number>((resolve) =>
        new (globalThis as unknown as { IntersectionObserver: ObserverClass }).IntersectionObserver(([entry], observer) => {
          observer.disconnect();
          resolve(entry!.intersectionRatio);
        }).observe(element),
      ),
  );
}

/** On how many lines the browser set a thing's words (the distinct tops of their boxes). */
export function lineCount(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const range = (globalThis as unknown as PageGlobals).document.createRange();
    range.selectNodeContents(element as unknown as PageText);
    const tops = Array.from(range.getClientRects())
      .filter((rect) => rect.width > 0)
      .map((rect) => Math.round(rect.top));
    return new Set(tops).size;
  });
}

/** How light a colour property of a thing is as drawn: the mean of its red, green and blue, 0 (black) to 255 (white). */
export async function brightness(locator: Locator, property: string): Promise<number> {
  const [red, green, blue] = (await computedStyle(locator, property)).match(/\d+(\.\d+)?/g)!.map(Number);
  return (red! + green! + blue!) / 3;
}

/**
 * Whether a text is cut short: its words wider than its box (an ellipsis, or clipped) or taller
 * (clamped to fewer lines than it takes; a pixel is allowed for a font's descenders).
 */
export function cutShort(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => {
    const box = element as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
    return box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight + 1;
  });
}

/** The room between two things one above the other: the top of `lower` less the bottom of `upper`, in px. */
export async function gapBetween(upper: Locator, lower: Locator): Promise<number> {
  const [above, below] = [await upper.boundingBox(), await lower.boundingBox()];
  return below!.y - (above!.y + above!.height);
}

/**
 * Waits (up to 5 s) until every picture in view has loaded or failed, none is a placeholder still
 * fetching its address, and every video in view can play through (or stopped loading, or failed).
 * A shot of the sign-up showed an empty square where the app's icon was still on its way, one of a
 * studio box an empty grey card, and those of the videos' pages the player's loading spinner over
 * the frame. Media out of view are not waited for (a lazy one loads only when scrolled to).
 */
async function mediaInViewLoaded(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const scope = globalThis as unknown as PageGlobals & { innerHeight: number };
        const inView = (element: PageElement) => {
          const box = element.getBoundingClientRect() as PageRect & { bottom: number };
          return box.bottom >= 0 && box.top <= scope.innerHeight && box.width > 0;
        };
        const pictures = Array.from(scope.document.body.querySelectorAll("img")).filter(inView);
        // A picture whose address is still being fetched is a placeholder that says so (a studio asset's, an attachment's).
        if (Array.from(scope.document.body.querySelectorAll('[role="img"][aria-busy="true"]')).some(inView)) return false;
        const videos = Array.from(scope.document.body.querySelectorAll("video")).filter(inView);
        // A transition under way (a loaded picture fading in) is caught half done: a moderator's
        // queue showed its picture washed out. Endless animations (a spinner, a pulse) never end.
        type Running = { playState: string; effect: { getComputedTiming(): { endTime: number } } | null };
        const animations = (scope.document as unknown as { getAnimations(): Running[] }).getAnimations();
        const ending = (animation: Running) => animation.playState === "running" && animation.effect?.getComputedTiming().endTime !== Number.POSITIVE_INFINITY;
        if (animations.some(ending)) return false;
        return (
          pictures.every((img) => (img as unknown as { complete: boolean }).complete) &&
          videos.every((video) => {
            const media = video as unknown as { readyState: number; networkState: number; error: unknown };
            // Chromium's player spins while the network loads short of HAVE_ENOUGH_DATA; a failure or
            // no source (NETWORK_NO_SOURCE) shows none either.
            return media.readyState >= 4 || media.networkState !== 2 || media.error !== null;
          })
        );
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  // Chromium's player hides its spinner only at the end of a turn of the spinner's animation, up to
  // about a second after the video is ready; no script can see it (the player's shadow root is closed).
  if (await page.evaluate(() => Array.from((globalThis as unknown as PageGlobals).document.body.querySelectorAll("video")).length > 0))
    await page.waitForTimeout(1500);
}

/**
 * Waits (up to 5 s) until the app's live connections are open: the account's (the sidebar's
 * "Online") and an open chat's (its header's status). A chat's empty screen was shot at 1280 px with
 * "Connecting…" in both places, a moment after it opened. A screen shot on purpose while offline is
 * a checkedShot, which does not wait.
 */
async function liveConnectionsOpen(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const body = (globalThis as unknown as PageGlobals).document.body;
        const chatStatus = body.querySelector('[data-testid="chat-status"]');
        return body.querySelector(".me .dot.wait") === null && chatStatus?.textContent !== "Connecting…";
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
}

/**
 * The section names in the navigation that are wider than their item: "Moderation" stuck out of
 * the rail's highlight on both sides, which no overflow check sees (it stays inside the viewport).
 */
async function spillingNavLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    return Array.from(doc.body.querySelectorAll(".nav-item"))
      .filter((item) => {
        const label = item.querySelector("span:not(.badge)");
        if (!label || item.getBoundingClientRect().width === 0) return false;
        const [box, words] = [item.getBoundingClientRect(), label.getBoundingClientRect()];
        return words.left < box.left - 0.5 || words.right > box.right + 0.5;
      })
      .map((item) => item.textContent?.trim() ?? "");
  });
}

/**
 * Short actions broken over two lines: a button, tab or standalone link of a word or two whose words
 * wrap in a column too narrow for them ("Public page" beside a video's title on a phone). No
 * overflow check sees it: the words stay inside the viewport, just not on one line. An action that
 * has a line of its own at least 60% of the viewport wide is as wide as the screen lets it be: its
 * words wrap only because the text is larger than a phone holds on one line ("Suggest another
 * script" with the text at 150%), and nothing beside it could give way.
 */
async function brokenShortActions(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    const viewport = doc.documentElement.clientWidth;
    const widestItCanBe = (element: PageElement): boolean => {
      const box = element.getBoundingClientRect();
      if (box.width < 0.6 * viewport) return false;
      const besideIt = Array.from(element.parentElement?.children ?? []).filter((other) => {
        if (other === element || !other.checkVisibility()) return false;
        const rect = other.getBoundingClientRect();
        return rect.width > 0 && rect.top < box.top + box.height && rect.top + rect.height > box.top;
      });
      return besideIt.length === 0;
    };
    const wraps = (element: PageElement): boolean => {
      const walker = doc.createTreeWalker(element, 4 /* NodeFilter.SHOW_TEXT */);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        // Screen-reader-only words live in a 1 px box, where every word is a line of its own.
        if (!parent || parent.getBoundingClientRect().width <= 2 || !node.textContent?.trim()) continue;
        const range = doc.createRange();
        range.selectNodeContents(node);
        const tops = Array.from(range.getClientRects())
          .filter((rect) => rect.width > 0)
          .map((rect) => rect.top);
        if (tops.length > 1 && Math.max(...tops) - Math.min(...tops) > 4) return true;
      }
      return false;
    };
    return Array.from(doc.body.querySelectorAll("button, [role=tab], a.button-link, a.link"))
      .filter((element) => {
        const words = element.textContent?.trim() ?? "";
        return words.length > 0 && words.length <= 24 && element.checkVisibility() && wraps(element) && !widestItCanBe(element);
      })
      .map((element) => element.textContent?.trim() ?? "");
  });
}

/**
 * Sentences squeezed into a narrow column on a phone: "We sent a link to this address when you
 * signed up…" sat beside its button in a third of the card and ran to six lines. A run of words of
 * 60 characters or more, set on three lines or more, in a column narrower than 45% of a phone's
 * viewport (preformatted text keeps its own lines). Nothing sticks out and nothing is cut, so no
 * other check sees it.
 */
async function squeezedSentences(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as PageGlobals).document;
    const viewport = doc.documentElement.clientWidth;
    if (viewport > 480) return [];
    const squeezed: string[] = [];
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = node.textContent?.replace(/\s+/g, " ").trim() ?? "";
      const parent = node.parentElement;
      if (words.length < 60 || !parent || !parent.checkVisibility()) continue;
      // Preformatted text (a schema, code) keeps its own short lines.
      if ((globalThis as unknown as PageGlobals).getComputedStyle(parent).whiteSpace.startsWith("pre")) continue;
      const range = doc.createRange();
      range.selectNodeContents(node);
      const lines = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
      if (new Set(lines.map((rect) => Math.round(rect.top))).size < 3) continue;
      const column = Math.max(...lines.map((rect) => rect.right)) - Math.min(...lines.map((rect) => rect.left));
      if (column < viewport * 0.45) squeezed.push(`${words.slice(0, 48)}… (${Math.round(column)} px)`);
    }
    return squeezed;
  });
}

/**
 * Buttons drawn in the very colour of what they sit on, with no border or shadow: on the chat list's
 * welcome card, "Turn on notifications" and "Invite family" read as loose words set in from the
 * text, not as buttons. A button with no fill (a link, an icon) is not one of them.
 */
async function buttonsLostOnTheirGround(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageGlobals;
    type Fill = { backgroundColor: string; borderTopWidth: string; borderTopStyle: string; boxShadow: string };
    const fillOf = (element: PageElement) => scope.getComputedStyle(element) as unknown as PageStyle & Fill;
    const clear = (colour: string) => colour === "transparent" || /^rgba\(.*,\s*0\)$/.test(colour);
    return Array.from(scope.document.body.querySelectorAll("button, a.button-link"))
      .filter((button) => {
        if (!button.checkVisibility()) return false;
        const fill = fillOf(button);
        if (clear(fill.backgroundColor) || fill.boxShadow !== "none") return false;
        if (fill.borderTopStyle !== "none" && Number.parseFloat(fill.borderTopWidth) > 0) return false;
        let ground = button.parentElement;
        while (ground && clear(fillOf(ground).backgroundColor)) ground = ground.parentElement;
        return ground !== null && fillOf(ground).backgroundColor === fill.backgroundColor;
      })
      .map((button) => button.textContent?.trim() || (button.getAttribute("aria-label") ?? button.tagName));
  });
}

/**
 * Links among words drawn as those words: their colour, no underline, no fill, no border.
 * "None here. Write a vacancy" read as one grey sentence, and "Your address is confirmed. Open the
 * app" as one black one; axe's link-in-text-block did not see them.
 */
async function linksLikeWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageGlobals;
    type Look = { color: string; textDecorationLine: string; backgroundColor: string; borderBottomStyle: string; borderBottomWidth: string };
    const lookOf = (element: PageElement) => scope.getComputedStyle(element) as unknown as PageStyle & Look;
    const clear = (colour: string) => colour === "transparent" || /^rgba\(.*,\s*0\)$/.test(colour);
    // The product's name leading home, at a public page's top, reads as the product's name by
    // convention, and a navigation's list (the API reference's contents) as a list of places.
    return Array.from(scope.document.body.querySelectorAll('a[href]:not([href="/"])'))
      .filter((link) => {
        if ((link as unknown as { closest(selector: string): unknown }).closest("nav")) return false;
        if (!link.textContent?.trim() || !link.checkVisibility() || !link.parentElement) return false;
        const look = lookOf(link);
        // A link set among words is inline; a whole row or card that is a link (a chat, a box) shows it by its shape.
        if (look.display !== "inline") return false;
        if (look.textDecorationLine.includes("underline") || !clear(look.backgroundColor)) return false;
        if (look.borderBottomStyle !== "none" && Number.parseFloat(look.borderBottomWidth) > 0) return false;
        return look.color === lookOf(link.parentElement).color;
      })
      .map((link) => link.textContent!.trim().slice(0, 40));
  });
}

/**
 * Tick boxes and radio buttons on a line of their own, above their words: the new group dialog's
 * "End-to-end encrypted" box sat alone over its name and its help. A box sits beside its words when
 * one of its label's lines of text is level with it. A box drawn in its own style (hidden, under a
 * look of its own) has no box to be level with.
 */
async function tickBoxesAboveTheirWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageGlobals;
    type Box = PageElement & { labels: ArrayLike<PageElement> | null };
    const boxes = Array.from(scope.document.body.querySelectorAll("input[type=checkbox], input[type=radio]")) as Box[];
    return boxes
      .filter((box) => {
        const own = box.getBoundingClientRect();
        if (!box.checkVisibility() || own.width < 4 || own.height < 4 || !box.labels?.length) return false;
        const rects: PageRect[] = [];
        for (const label of Array.from(box.labels)) {
          const walker = scope.document.createTreeWalker(label, 4 /* NodeFilter.SHOW_TEXT */);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!node.textContent?.trim()) continue;
            const range = scope.document.createRange();
            range.selectNodeContents(node);
            rects.push(...Array.from(range.getClientRects()).filter((rect) => rect.width > 0));
          }
        }
        if (rects.length === 0) return false;
        const bottom = own.top + own.height;
        return !rects.some((rect) => rect.top < bottom && rect.top + rect.height > own.top);
      })
      .map((box) => Array.from(box.labels!)[0]!.textContent?.trim().slice(0, 40) ?? "");
  });
}

/**
 * Dialogs that leave the focus behind them: a dialog box (`.dialog`) that is not modal to assistive
 * technology, or an open modal dialog that does not hold the focus. Eight of the app's dialogs
 * ignored Escape and left the focus on the screen they covered, where Tab walked on unseen.
 */
async function dialogsWithoutFocus(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageGlobals & { document: { activeElement: unknown } };
    const name = (dialog: PageElement) => dialog.getAttribute("aria-label") ?? dialog.textContent?.trim().slice(0, 40) ?? "";
    const boxes = Array.from(scope.document.body.querySelectorAll(".dialog")).filter((box) => box.checkVisibility());
    const problems = boxes.filter((box) => box.getAttribute("aria-modal") !== "true").map((box) => `${name(box)}: not modal`);
    const modal = Array.from(scope.document.body.querySelectorAll('[aria-modal="true"]')).filter((box) => box.checkVisibility());
    const top = modal.at(-1);
    if (top && !top.contains(scope.document.activeElement)) problems.push(`${name(top)}: the focus is outside it`);
    return problems;
  });
}

/**
 * Controls whose state is not told: an aria-expanded, -pressed, -selected or -checked that is
 * neither "true" nor "false" ("mixed" for a tick box). A boolean in JSX was written as an empty
 * value when true and left out when false, so "More actions" never said it was open.
 */
async function statesNotTold(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageGlobals;
    const states = ["aria-expanded", "aria-pressed", "aria-selected", "aria-checked"];
    return Array.from(scope.document.body.querySelectorAll(states.map((state) => `[${state}]`).join(", "))).flatMap((element) =>
      states
        .filter((state) => element.getAttribute(state) !== null && !["true", "false", "mixed"].includes(element.getAttribute(state)!))
        .map((state) => `${element.getAttribute("aria-label") ?? element.textContent?.trim().slice(0, 30)}: ${state}="${element.getAttribute(state)}"`),
    );
  });
}

/** Sets the root element's font size ("" puts it back): text in rem and em grows as with a browser's text-size setting. */
function setRootTextSize(page: Page, size: string): Promise<void> {
  return page.evaluate((value) => {
    (globalThis as unknown as PageGlobals).document.documentElement.style.fontSize = value;
  }, size);
}

/** Waits until the page has drawn twice: after a resize, the layout at the new width is on screen. */
function twoFrames(page: Page): Promise<void> {
  return page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        (globalThis as unknown as PageGlobals).requestAnimationFrame(() => (globalThis as unknown as PageGlobals).requestAnimationFrame(resolve)),
      ),
  );
}

/**
 * What breaks first as a screen narrows: something wider than the viewport, a page that scrolls
 * past the app's frame, a section's name or a short action that does not fit, a sentence squeezed.
 */
async function expectFits(page: Page, label: string): Promise<void> {
  expect(await overflowingElements(page), `${label}: elements wider than the viewport`).toEqual([]);
  expect(await pageScrollPastFrame(page), `${label}: the page scrolls past the app's frame`).toBe(0);
  expect(await spillingNavLabels(page), `${label}: section names wider than their place in the navigation`).toEqual([]);
  expect(await brokenShortActions(page), `${label}: short actions broken over two lines`).toEqual([]);
  expect(await squeezedSentences(page), `${label}: sentences squeezed into a narrow column`).toEqual([]);
}

/** Everything `expectFits` asks, and the checks a screenshot is held to: colours, links, tick boxes, focus, states, axe-core. */
async function expectSoundScreen(page: Page, label: string, skipRules: string[] = []): Promise<void> {
  await expectFits(page, label);
  expect(await buttonsLostOnTheirGround(page), `${label}: buttons in the colour of what they sit on`).toEqual([]);
  expect(await linksLikeWords(page), `${label}: links drawn as the words around them`).toEqual([]);
  expect(await tickBoxesAboveTheirWords(page), `${label}: tick boxes on a line above their words`).toEqual([]);
  expect(await dialogsWithoutFocus(page), `${label}: dialogs that leave the focus behind them`).toEqual([]);
  expect(await statesNotTold(page), `${label}: controls whose state is not told`).toEqual([]);
  const violations = (await seriousAccessibilityViolations(page)).filter((violation) => !skipRules.includes(violation.id));
  expect(violations, `${label}: serious accessibility violations`).toEqual([]);
}

/** Whether the page draws a frame (runs a requestAnimationFrame callback) within `ms`. */
export async function drawsFrames(page: Page, ms: number): Promise<boolean> {
  const frame = page
    .evaluate(() => new Promise<boolean>((resolve) => (globalThis as unknown as PageGlobals).requestAnimationFrame(() => resolve(true))))
    .catch(() => false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([frame, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Hands the page back only once it draws again. On CI (2026-11-27) a page stopped drawing after its
 * full-page capture and the resize back: it still answered scripts, but the next click waited 30 s
 * in Playwright's stability check, which runs on requestAnimationFrame, and never got past it.
 * Bringing the page to the front and setting its size anew makes Chromium draw it again; a page that
 * still draws nothing fails here, with the reason, instead of in whatever the test does next.
 */
async function drawsAgain(page: Page, size: { width: number; height: number }): Promise<void> {
  if (await drawsFrames(page, 5000)) return;
  await page.bringToFront();
  await page.setViewportSize({ width: size.width, height: size.height + 1 });
  await page.setViewportSize(size);
  expect(await drawsFrames(page, 10_000), "the page draws frames again after its screenshots").toBe(true);
}
