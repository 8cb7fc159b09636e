/** Text files imported with Vite's `?raw` suffix (tests read wrangler.toml and the README this way). */
declare module "*?raw" {
  const text: string;
  export default text;
}
