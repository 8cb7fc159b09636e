// The web client: served at /app from the Worker's static assets.
import { ErrorBoundary, render, useEffect, useRef, useState } from "hono/jsx/dom";
import { AuthScreen } from "./auth-screen";
import { ActiveCall, CallHistory, IncomingCall } from "./call-screens";
import { Avatar, ChatList, NewChatDialog } from "./chat-list";
import { NewGroupDialog } from "./group-dialogs";
import { ProfileDialog } from "./profile-dialog";
import { ChatView } from "./chat-view";
import { startKeyBackupUpdates } from "./e2ee/key-backup-device";
import { GroupCallRinging, GroupCallScreen } from "./group-call-screen";
import { enableNotifications } from "./notifications";
import { FirstRunPanel } from "./first-run";
import { ChatsPicture, TroublePicture } from "./illustrations";
import { restoreSession, signOut } from "./platform";
import "./ringtone";
import { startRouter } from "./router";
import { NavIcon, sections } from "./sections";
import { store, useAppState } from "./store";
import { useDismiss } from "./dismiss";
import { PRODUCT_NAME } from "./product";

startRouter();
startKeyBackupUpdates();

/** How many sections a phone's bottom bar shows before the rest go behind "More". */
const PHONE_TABS = 4;

/** The navigation between sections (a rail on a wide window, a bar at the bottom on a phone), then the section. */
function Frame() {
  const { me, route, chats } = useAppState();
  const [moreOpen, setMoreOpen] = useState(false);
  const unread = chats.reduce((sum, chat) => sum + chat.unreadCount, 0);
  const current = route.name === "section" ? route.section : route.name === "calls" ? "calls" : "chats";
  const section = sections.find((s) => s.id === current && (!s.visibleTo || (me && s.visibleTo(me))));
  const inConversation = route.name === "chat";
  const visible = sections.filter((s) => !s.visibleTo || (me && s.visibleTo(me)));
  // A phone's bar holds PHONE_TABS sections and "More"; a bar with one more than that shows them all.
  const folded = visible.length > PHONE_TABS + 1 ? visible.slice(PHONE_TABS) : [];
  useEffect(() => setMoreOpen(false), [current]);
  const nav = useRef<HTMLElement | null>(null);
  const moreButton = useRef<HTMLButtonElement | null>(null);
  useDismiss(moreOpen, () => setMoreOpen(false), nav, moreButton);
  const link = (s: (typeof sections)[number], extraClass = "") => (
    <a
      href={s.id === "chats" ? "/app/" : `/app/${s.id}`}
      class={`nav-item${s.id === current ? " active" : ""}${extraClass}`}
      aria-current={s.id === current ? "page" : undefined}
      data-section={s.id}
    >
      <NavIcon path={s.icon} />
      <span>{s.label}</span>
      {s.id === "chats" && unread > 0 && <span class="badge">{unread}</span>}
    </a>
  );
  return (
    <div class={inConversation ? "frame in-conversation" : "frame"}>
      <nav class="app-nav" aria-label="Sections" ref={nav}>
        {visible.map((s) => link(s, folded.includes(s) ? " folds-on-phone" : ""))}
        {folded.length > 0 && (
          <button
            type="button"
            ref={moreButton}
            class={`nav-item nav-more${folded.some((s) => s.id === current) ? " active" : ""}`}
            aria-expanded={moreOpen ? "true" : "false"}
            onClick={() => setMoreOpen(!moreOpen)}
          >
            <NavIcon path="M5 12h.01M12 12h.01M19 12h.01" />
            <span>More</span>
          </button>
        )}
        {folded.length > 0 && moreOpen && (
          <div id="nav-more-sections" class="nav-more-sheet">
            {folded.map((s) => link(s))}
          </div>
        )}
      </nav>
      {current === "chats" || current === "calls" ? (
        <Shell />
      ) : section?.Screen ? (
        <main class="section-screen">
          <section.Screen rest={route.name === "section" ? route.rest : []} />
        </main>
      ) : sections.some((s) => s.id === current) ? (
        <main class="section-screen">
          <section class="empty-state" data-testid="section-not-available">
            <h1>Not available to you</h1>
            <p class="muted">This part of the app is for people with another role. Ask an administrator if you need it.</p>
            <a class="button-link" href="/app/">
              Back to chats
            </a>
          </section>
        </main>
      ) : (
        <main class="section-screen">
          <section class="empty-state">
            <h1>No such page</h1>
            <p class="muted">This address does not lead anywhere in the app.</p>
            <a class="button-link" href="/app/">
              Back to chats
            </a>
          </section>
        </main>
      )}
      <IncomingCall />
      <ActiveCall />
      <GroupCallRinging />
      <GroupCallScreen />
    </div>
  );
}

/** What went wrong or needs saying (store.notice); a tap dismisses it. */
function NoticeBanner({ notice }: { notice: string }) {
  return (
    <p class="banner" role="status" onClick={() => store.set({ notice: null })}>
      {notice}
    </p>
  );
}

function Shell() {
  const { me, route, chats, live, notice } = useAppState();
  const [newChat, setNewChat] = useState(false);
  const [newGroup, setNewGroup] = useState(false);
  const [profile, setProfile] = useState(false);
  const unread = chats.reduce((sum, chat) => sum + chat.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${PRODUCT_NAME}` : PRODUCT_NAME;
  }, [unread]);
  const mainOpen = route.name !== "chats";
  return (
    <div class={mainOpen ? "shell main-open" : "shell"}>
      <aside class="sidebar">
        <header class="sidebar-header">
          <button type="button" class="plain me-button" aria-label="Your profile" onClick={() => setProfile(true)}>
            {me && <Avatar label={me.displayName} colourKey={me.id} size={36} src={me.avatarUrl} />}
          </button>
          <div class="me">
            <strong data-testid="me-name">{me?.displayName}</strong>
            <span class="muted small">
              <span class={`dot ${live === "open" ? "good" : "wait"}`} /> {live === "open" ? "Online" : "Connecting…"}
            </span>
          </div>
          <button type="button" class="secondary small" onClick={() => void signOut()}>
            Sign out
          </button>
        </header>
        <div class="sidebar-tabs">
          {/* The list is the chats in the Calls section too (a call starts from its chat): its title says so. */}
          <h1 class="sidebar-title">Chats</h1>
          <button type="button" class="primary small new-chat" onClick={() => setNewChat(true)}>
            + New chat
          </button>
        </div>
        <FirstRunPanel onInvite={() => setNewChat(true)}>
          <NotificationsControl />
        </FirstRunPanel>
        {notice && !mainOpen && <NoticeBanner notice={notice} />}
        <ChatList />
      </aside>
      <main class="main">
        {/* With a chat (or the calls) open the notice is about it, mostly (a call refused, a chat
            setting that failed): it shows above it, where a phone shows it too (its sidebar is hidden then). */}
        {notice && mainOpen && <NoticeBanner notice={notice} />}
        {route.name === "chat" ? (
          <ChatView chatId={route.chatId} />
        ) : route.name === "calls" ? (
          <CallHistory />
        ) : (
          <section class="empty-state">
            <ChatsPicture />
            <p>Select a chat to start messaging.</p>
            <button type="button" class="primary" onClick={() => setNewChat(true)}>
              Start a new chat
            </button>
          </section>
        )}
      </main>
      {newChat && (
        <NewChatDialog
          onClose={() => setNewChat(false)}
          onNewGroup={() => {
            setNewChat(false);
            setNewGroup(true);
          }}
        />
      )}
      {newGroup && <NewGroupDialog onClose={() => setNewGroup(false)} />}
      {profile && <ProfileDialog onClose={() => setProfile(false)} />}
    </div>
  );
}

/** Turning notifications on is the user's choice, made here: the browser asks only after this click. */
function NotificationsControl() {
  const { push } = useAppState();
  if (push === "on")
    return (
      <p class="push-control muted small" data-testid="push-state" data-state="on">
        Notifications are on
      </p>
    );
  if (push === "unsupported") return null;
  if (push === "blocked") {
    return (
      <p class="push-control muted small" data-testid="push-state" data-state="blocked">
        Notifications are blocked for this site in the browser's settings.
      </p>
    );
  }
  return (
    <div class="push-control" data-testid="push-state" data-state={push}>
      <span class="small">Get calls and messages when the app is closed.</span>
      <button type="button" class="secondary small" disabled={push === "working"} onClick={() => void enableNotifications()}>
        {push === "working" ? "Turning on…" : "Turn on notifications"}
      </button>
    </div>
  );
}

function App() {
  const { phase } = useAppState();
  if (phase === "loading") return <div class="splash">Loading…</div>;
  if (phase === "signed-out") return <AuthScreen />;
  return (
    <ErrorBoundary fallback={<TroubleScreen />}>
      <Frame />
    </ErrorBoundary>
  );
}

/** What a screen that failed to draw shows instead: words and a way out, never the exception. */
function TroubleScreen() {
  return (
    <main class="section-screen">
      <section class="empty-state" role="alert" data-testid="app-error">
        <TroublePicture />
        <h1>Something went wrong on this screen</h1>
        <p class="muted">Your messages are safe. Reload the app to carry on.</p>
        <button type="button" class="primary" onClick={() => location.reload()}>
          Reload
        </button>
      </section>
    </main>
  );
}

render(<App />, document.getElementById("root")!);
void restoreSession();
