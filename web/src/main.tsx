// The web client: served at /app from the Worker's static assets.
import { render, useEffect, useState } from "hono/jsx/dom";
import { AuthScreen } from "./auth-screen";
import { ActiveCall, CallHistory, IncomingCall } from "./call-screens";
import { Avatar, ChatList, NewChatDialog } from "./chat-list";
import { NewGroupDialog } from "./group-dialogs";
import { ProfileDialog } from "./profile-dialog";
import { ChatView } from "./chat-view";
import { GroupCallRinging, GroupCallScreen } from "./group-call-screen";
import { enableNotifications } from "./notifications";
import { restoreSession, signOut } from "./platform";
import "./ringtone";
import { parseRoute, store, useAppState } from "./store";

addEventListener("hashchange", () => store.set({ route: parseRoute(location.hash) }));

function Shell() {
  const { me, route, chats, live, notice } = useAppState();
  const [newChat, setNewChat] = useState(false);
  const [newGroup, setNewGroup] = useState(false);
  const [profile, setProfile] = useState(false);
  const unread = chats.reduce((sum, chat) => sum + chat.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) Edge Chat` : "Edge Chat";
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
        <nav class="sidebar-tabs">
          <a href="#/" class={route.name !== "calls" ? "tab active" : "tab"}>
            Chats{unread > 0 && <span class="badge">{unread}</span>}
          </a>
          <a href="#/calls" class={route.name === "calls" ? "tab active" : "tab"}>
            Calls
          </a>
          <button type="button" class="primary small new-chat" onClick={() => setNewChat(true)}>
            + New chat
          </button>
        </nav>
        <NotificationsControl />
        {notice && (
          <p class="banner" role="status" onClick={() => store.set({ notice: null })}>
            {notice}
          </p>
        )}
        <ChatList />
      </aside>
      <main class="main">
        {route.name === "chat" ? (
          <ChatView chatId={route.chatId} />
        ) : route.name === "calls" ? (
          <CallHistory />
        ) : (
          <section class="empty-state">
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
      <IncomingCall />
      <ActiveCall />
      <GroupCallRinging />
      <GroupCallScreen />
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
  return <Shell />;
}

render(<App />, document.getElementById("root")!);
void restoreSession();
