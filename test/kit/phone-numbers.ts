// Phone numbers for tests, shared by the Workers tests and the browser tests (no imports: both load it).

/**
 * A valid UK mobile number (E.164) no other test uses. Under +44751: parts of +4475 are numbered
 * for Jersey (+447509) and the Isle of Man (+447524), which libphonenumber names as such.
 */
export function uniquePhone(): string {
  return `+44751${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}
