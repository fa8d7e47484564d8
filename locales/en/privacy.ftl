personal-private-only = I only show personal data in a private chat. Please message me privately: { $link }
cmd-cek = check that a pledge receipt code is genuine
cmd-verify = the ledger's chain head and its check
cek-usage = Send the receipt code after the command, for example: /cek IKR-ABCD-EFGH
cek-found =
    ✅ Code { $code } is a genuine pledge receipt of this bot.
    Election: { $election }
    Work unit: { $unit }
    Date: { $date }
    In the name of: { $initials }
cek-unknown-unit = (not on record)
cek-no-initials = (name erased at its owner's request)
cek-not-found = Sorry, code { $code } was not found as a pledge receipt of this bot. Please check how it is written.
verify-ok =
    🔗 The ledger chain is intact.
    Pledges: { $pledges }
    Audit entries: { $audit }
    Chain head (#{ $seq }): { $head }
verify-broken = ⚠️ The ledger chain is BROKEN: { $problem } ({ $record }). Do not change the database; contact the technical maintainer.
verify-problem-twin-receipt = two pledges share one receipt code
verify-problem-gap = entries are missing before this one
verify-problem-reordered = an entry does not follow the previous one (deleted, inserted or reordered)
verify-problem-unknown-kind = an unknown kind of record
verify-problem-record-missing = the record is missing (deleted or its key edited)
verify-problem-field-edited = a personal field of the record was edited
verify-problem-record-differs = the record differs from what was chained
verify-problem-unchained = a record has no ledger entry (inserted behind the application's back)
cmd-dataku = see and erase the data the bot holds about you
cmd-privasi = what is stored, why, and for how long
dataku-header = 🗂 What this bot holds about you:
dataku-profile = Telegram name: { $display }
    Registered name: { $name }
    NIP: { $nip }
    Employment: { $employment }
    Work unit: { $unit }
    Role: { $role }
dataku-none = (none)
dataku-pledges = Pledges:
dataku-pledge-line = • { $election }, { $date }, code { $code }
dataku-usernames = Usernames seen: { $names }
dataku-questions = Questions kept to improve the answers: { $count }
dataku-question-line = • { $question }
dataku-feedback = Answer ratings you gave: { $count }
btn-erase-me = 🗑 Erase my data
erase-confirm = Erase your data? Your name, NIP, usernames, questions and ratings will be deleted for good. Your pledge stays counted without a name (unit and date only), so the totals stay right.
btn-erase-yes = Yes, erase
btn-erase-no = No
erase-done = Your personal data has been erased. Thank you for using this bot.
erase-kept = All right, your data was not erased.
privasi-text =
    🔒 Privacy
    What is stored: your Telegram name and username, full name, NIP (optional for PPPK and non-ASN), employment type, work unit, your pledge with its receipt code, questions the bot could not answer yet, and answer ratings.
    Why: to record the neutrality pledge, to total pledges per unit for BKPSDM, and to improve the answers.
    For how long: for the election and its oversight period, or until you erase it with /dataku.
    Who sees it: only BKPSDM officers and appointed admins; names are never shown in groups, and a code check (/cek) shows initials only.
    See or erase your data: /dataku
