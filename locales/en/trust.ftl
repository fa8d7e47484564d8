chain-daily-title = 🗓 Daily ledger chain report, { $date }. Keep this chain head outside the server (notes, email, an oversight group): if it differs later, someone changed the data.
roles-ambiguous = The username @{ $name } has been used by more than one user (ids: { $ids }), so I can't be sure who is meant. Write the person's numeric Telegram id instead, e.g.: /{ $command } { $example }
roles-confirm-grant =
    Give the { $role } role to this person?
    Name: { $name }
    Unit: { $unit }
    Telegram id: { $id }
    Check carefully, then press a button below.
roles-no-unit = (not registered)
btn-roles-confirm = ✅ Yes, grant { $role }
btn-roles-cancel = ✖️ Cancel
roles-grant-cancelled = Role grant cancelled. Nothing changed.
cmd-backup = database backup as a document (owners only)
backup-progress-copying = ⏳ Copying the database…
backup-progress-sending = 📤 Sending the copy ({ $pledges } pledges, { $size })…
backup-done = ✅ Backup sent: { $pledges } pledges, { $size }. The file holds the NIP and name of every ASN: keep it somewhere safe and delete it from devices that aren't.
backup-caption = Backup of { $election }, { $date }: { $pledges } pledges. Confidential: holds personal data.
backup-too-big = ❌ The copy ({ $size }) exceeds Telegram's 50 MB document limit. Make the backup on the server with: netralitas-bot backup --out FILE
backup-failed = ❌ The backup could not be made. No file was sent; details are in the server log.
