// A list read page by page (newest first) that asks for the next page when its end scrolls into
// view: an IntersectionObserver on a marker after the last item, and a button for keyboards and
// for browsers that never report it.
import { useEffect, useRef, useState } from "hono/jsx/dom";
import { ProblemNote } from "../problem-note";
import { problemText } from "../problem-text";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  done: boolean;
  error: string | null;
  loadMore: () => void;
  /** Puts items the user just made at the top (an upload), and takes out ones that went (a delete). */
  prepend: (items: T[]) => void;
  remove: (keep: (item: T) => boolean) => void;
  replace: (item: T, same: (a: T, b: T) => boolean) => void;
  /** Replaces the item in place, or puts it first when the list did not have it yet. */
  upsert: (item: T, same: (a: T, b: T) => boolean, keepOld?: (old: T) => boolean) => void;
}

/** Pages of `load`, started again whenever `key` changes (another tag, another user). */
export function usePagedList<T>(key: string, load: (cursor: string | undefined) => Promise<Page<T>>): PagedList<T> {
  const [state, setState] = useState<{ key: string; items: T[]; cursor: string | undefined; done: boolean; loading: boolean; error: string | null }>({
    key,
    items: [],
    cursor: undefined,
    done: false,
    loading: false,
    error: null,
  });
  const current = useRef(state);
  current.current = state;
  // The last page asked for, per key: a late answer for another key (the user moved on) is dropped.
  const asking = useRef<string | null>(null);

  const loadMore = () => {
    const now = current.current;
    if (now.done || asking.current !== null) return;
    const askedKey = key;
    const marker = `${askedKey}|${now.cursor ?? ""}`;
    asking.current = marker;
    setState((s) => ({ ...s, loading: true, error: null }));
    load(now.cursor).then(
      (page) => {
        if (asking.current !== marker) return;
        asking.current = null;
        setState((s) =>
          s.key !== askedKey
            ? s
            : { ...s, items: [...s.items, ...page.items], cursor: page.nextCursor ?? undefined, done: page.nextCursor === null, loading: false },
        );
      },
      (error: unknown) => {
        if (asking.current !== marker) return;
        asking.current = null;
        setState((s) => ({ ...s, loading: false, error: problemText(error, "Could not load.") }));
      },
    );
  };

  useEffect(() => {
    asking.current = null;
    const fresh = { key, items: [], cursor: undefined, done: false, loading: false, error: null };
    current.current = fresh;
    setState(fresh);
    loadMore();
  }, [key]);

  return {
    ...state,
    loadMore,
    prepend: (items) => setState((s) => ({ ...s, items: [...items, ...s.items] })),
    remove: (keep) => setState((s) => ({ ...s, items: s.items.filter(keep) })),
    replace: (item, same) => setState((s) => ({ ...s, items: s.items.map((old) => (same(old, item) ? item : old)) })),
    upsert: (item, same, keepOld = () => false) =>
      setState((s) => ({
        ...s,
        items: s.items.some((old) => same(old, item)) ? s.items.map((old) => (same(old, item) && !keepOld(old) ? item : old)) : [item, ...s.items],
      })),
  };
}

/** After the last item: loads the next page as it comes into view, or on a press of its button. */
export function LoadMore<T>({ list, label = "Show more" }: { list: PagedList<T>; label?: string }) {
  const marker = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const element = marker.current;
    if (!element || list.done || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && list.loadMore(), { rootMargin: "600px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [list.done, list.items.length, list.loading]);
  if (list.done) return null;
  return (
    <div class="load-more" ref={marker} data-testid="load-more">
      {list.error ? (
        <ProblemNote text={list.error}>
          {" "}
          <button type="button" class="link" onClick={list.loadMore}>
            Try again
          </button>
        </ProblemNote>
      ) : list.loading ? (
        <span class="muted small" role="status">
          Loading…
        </span>
      ) : (
        <button type="button" class="secondary small" onClick={list.loadMore}>
          {label}
        </button>
      )}
    </div>
  );
}
