# Revoking roles and cancelling broadcasts (issue 12).
revoke-broadcasts-cancelled = { $count } of their scheduled or running broadcasts were cancelled; nothing more of them goes out.
cmd-cancel-broadcast = cancel a broadcast by its number
bc-cancel-usage = Format: /cancel_broadcast <broadcast number>, e.g. /cancel_broadcast 12. The numbers are in /broadcasts.
bc-cancel-unknown = There is no open broadcast number { $id }. See /broadcasts.
bc-list-page = Page { $page } of { $pages } ({ $total } broadcasts, open ones first).
btn-bc-page-prev = ◀ Previous
btn-bc-page-next = Next ▶
