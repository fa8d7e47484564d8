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
verify-broken = ⚠️ The ledger chain is BROKEN: { $problem }. Do not change the database; contact the technical maintainer.
