// Runs in the test's browser pages (bundled by test/e2e/e2ee-calls.test.ts): an MLS device per page
// signed in through the platform's e2ee endpoints, the chat's group built with client/e2ee, and
// the call key directory the web app's call controllers ask, as the encrypted-chat code will
// install it.
import { createPlatformClient } from "../../../client";
import { MlsCallKeySource } from "../../../client/e2ee/call-keys";
import { fromBase64url, toBase64url } from "../../../client/e2ee/bytes";
import { MlsDevice } from "../../../client/e2ee/device";
import type { MlsGroup } from "../../../client/e2ee/group";
import { platformE2eeServer } from "../../../client/e2ee/server";
import { MemoryE2eeStore } from "../../../client/e2ee/store";
import { installCallKeyDirectory } from "../../../web/src/call-encryption";

let device: MlsDevice | undefined;
let group: MlsGroup | undefined;
let keys: MlsCallKeySource | undefined;

const api = {
  /** Signs in a new session of the account (a new MLS device) and uploads its key packages. */
  async openDevice(account: { email: string; password: string; userId: string }) {
    const client = createPlatformClient({ baseUrl: location.origin });
    await client.login({ email: account.email, password: account.password });
    device = await MlsDevice.open({ userId: account.userId, server: platformE2eeServer(client), store: new MemoryE2eeStore() });
    await device.refillKeyPackages({ target: 3, threshold: 3 });
  },
  /** Starts the chat's group and adds every device of `userIds` (key packages claimed from the server): the Welcome, base64url. */
  async createGroup(chatId: string, userIds: string[]) {
    group = await (device as MlsDevice).createGroup(chatId);
    const added = await group.commitAddingUsers(userIds);
    await added.accept();
    api.installKeys();
    return added.welcome ? toBase64url(added.welcome) : null;
  },
  async joinGroup(welcome: string) {
    group = await (device as MlsDevice).joinGroup(fromBase64url(welcome));
    api.installKeys();
  },
  /** The call key directory: the chat's group for a call with anyone in it. */
  installKeys() {
    keys = new MlsCallKeySource(group as MlsGroup);
    installCallKeyDirectory({ keysFor: async () => keys as MlsCallKeySource });
  },
  /** An empty commit (a new epoch), as the room would order it: the commit for the other members, base64url. */
  async commitUpdate() {
    const pending = await (group as MlsGroup).commitUpdate();
    await pending.accept();
    await keys?.epochChanged();
    return toBase64url(pending.commit);
  },
  async processCommit(commit: string) {
    await (group as MlsGroup).process(fromBase64url(commit));
    await keys?.epochChanged();
  },
};

Object.assign(globalThis, { e2eeCallTest: api });
