// Pictures for the empty and error states: inline SVG shipped in the bundle (no network, no font),
// drawn in the app's colours through currentColor and CSS variables, hidden from screen readers
// (the words beside them say what the state is).
import type { Child } from "hono/jsx/dom";

function Picture({ children, name }: { children: Child; name: string }) {
  return (
    <svg class="illustration" data-illustration={name} viewBox="0 0 160 120" width="160" height="120" aria-hidden="true" focusable="false">
      <ellipse cx="80" cy="108" rx="56" ry="6" fill="var(--line)" />
      {children}
    </svg>
  );
}

/** Two speech bubbles: no chats yet. */
export function ChatsPicture() {
  return (
    <Picture name="chats">
      <rect x="22" y="22" width="78" height="50" rx="14" fill="var(--accent-soft)" stroke="var(--accent)" stroke-width="3" />
      <path d="M40 72l-6 16 18-16" fill="var(--accent-soft)" stroke="var(--accent)" stroke-width="3" stroke-linejoin="round" />
      <rect x="62" y="46" width="76" height="46" rx="14" fill="var(--accent)" />
      <path d="M120 92l8 12-20-12" fill="var(--accent)" />
      <circle cx="84" cy="69" r="4" fill="var(--panel)" />
      <circle cx="100" cy="69" r="4" fill="var(--panel)" />
      <circle cx="116" cy="69" r="4" fill="var(--panel)" />
      <path d="M38 40h46M38 54h30" stroke="var(--accent)" stroke-width="3" stroke-linecap="round" />
    </Picture>
  );
}

/** A waving hand over a bubble: a conversation with no messages yet. */
export function HelloPicture() {
  return (
    <Picture name="hello">
      <rect x="30" y="30" width="100" height="58" rx="18" fill="var(--accent-soft)" stroke="var(--accent)" stroke-width="3" />
      <path d="M54 88l-8 16 22-16" fill="var(--accent-soft)" stroke="var(--accent)" stroke-width="3" stroke-linejoin="round" />
      <path
        d="M70 74V48a5 5 0 0110 0v16-22a5 5 0 0110 0v22-18a5 5 0 0110 0v24c0 10-8 16-17 16-7 0-11-3-15-9l-8-12a5 5 0 018-6l2 3"
        fill="var(--panel)"
        stroke="var(--accent)"
        stroke-width="3"
        stroke-linejoin="round"
        stroke-linecap="round"
      />
      <path d="M112 22l6-8M122 32l10-3M46 24l-6-8" stroke="var(--accent)" stroke-width="3" stroke-linecap="round" />
    </Picture>
  );
}

/** A handset with a clock: no calls in the history. */
export function CallsPicture() {
  return (
    <Picture name="calls">
      <path
        d="M40 30c4-4 10-4 13 0l9 12c3 4 2 9-2 12l-5 4c4 9 11 17 20 21l4-5c3-4 8-5 12-2l12 9c4 3 4 9 0 13l-6 6c-6 6-16 7-24 2-17-10-31-24-40-41-5-8-4-18 2-24z"
        fill="var(--accent)"
      />
      <circle cx="114" cy="40" r="24" fill="var(--accent-soft)" stroke="var(--accent)" stroke-width="3" />
      <path d="M114 26v14l9 6" stroke="var(--accent)" stroke-width="3" stroke-linecap="round" fill="none" />
    </Picture>
  );
}

/** A cloud with a warning sign: something failed. */
export function TroublePicture() {
  return (
    <Picture name="trouble">
      <path
        d="M46 86c-13 0-22-9-22-20s9-19 20-20c3-14 15-24 30-24 15 0 27 10 30 24 12 0 22 9 22 20s-9 20-21 20z"
        fill="var(--accent-soft)"
        stroke="var(--accent)"
        stroke-width="3"
        stroke-linejoin="round"
      />
      <path d="M80 40l20 36H60z" fill="var(--panel)" stroke="var(--danger)" stroke-width="3" stroke-linejoin="round" />
      <path d="M80 53v10" stroke="var(--danger)" stroke-width="3" stroke-linecap="round" />
      <circle cx="80" cy="69" r="2" fill="var(--danger)" />
    </Picture>
  );
}
