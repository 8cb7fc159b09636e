// What went wrong, in words a person reads: every screen shows errors through this one function,
// never an exception's own message ("Failed to fetch", "Cannot read properties of undefined").
import { ProblemError } from "../../client";

/**
 * The server's own sentence when it refused a request (its problem `detail`, written for people),
 * a plain sentence when the connection failed, else `fallback`, which says what did not happen.
 */
export function problemText(error: unknown, fallback = "Something went wrong. Try again."): string {
  if (error instanceof ProblemError) return error.message;
  // fetch rejects with a TypeError when the request never got an answer.
  if (error instanceof TypeError || (error instanceof DOMException && error.name === "NetworkError")) {
    return "The server could not be reached. Check your connection and try again.";
  }
  return fallback;
}
