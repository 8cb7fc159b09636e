// End-to-end encryption on the account screen (docs/e2ee.md): a warning first when someone's
// devices changed, this account's devices with their fingerprints, the secure backup, and the
// people you talk to with whether each is verified.
import { installedHistoryArchive } from "../e2ee/key-backup-archive";
import { KeyBackupPanel } from "../e2ee/key-backup";
import { DeviceChangeNotice, OwnDevices, PeopleTrust, usePeopleYouTalkTo } from "../e2ee/verification";

export function EncryptionPanel() {
  return (
    <div class="stack">
      <DeviceChangeNotice userIds={usePeopleYouTalkTo()} />
      <OwnDevices />
      <KeyBackupPanel archive={installedHistoryArchive()} />
      <PeopleTrust />
    </div>
  );
}
