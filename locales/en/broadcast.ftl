# HR broadcasts and pledge reminders (English).

## Command menu
cmd-broadcast = send a broadcast to the ASN
cmd-broadcast-at = schedule a broadcast (date time text)
cmd-broadcasts = list broadcasts and their progress

## Composing a broadcast
bc-private-only = Broadcasts can only be composed in a private chat with the bot.
bc-usage = Write /broadcast followed by the announcement, or reply /broadcast to one of your own messages to keep its formatting.
bc-usage-at = Format: /broadcast_at { $example } announcement text (date and time in { $tz }).
bc-usage-at-short = After the date and time, write the announcement, or reply to one of your own messages with this command.
bc-in-past = That time has already passed (it is now { $now }). Please choose a time in the future.
bc-too-long = The text is too long: { $count } characters. Telegram allows { $max } characters per message; please shorten it or split it into several broadcasts.
bc-reply-own = Only your own messages can be broadcast. Reply /broadcast to a message of yours.
bc-choose-audience = Broadcast #{ $id } is ready. Who should receive it?
btn-bc-all = 👥 All ASN
btn-bc-unpledged = ✍️ Not yet pledged
btn-bc-unit = 🏢 One work unit
btn-bc-discard = ✖️ Cancel
bc-choose-unit = Choose the work unit (page { $page }/{ $pages }):
bc-audience-all = all ASN
bc-audience-unpledged = ASN who have not pledged
bc-audience-reg-unpledged = registered ASN who have not pledged
bc-audience-unit = unit { $unit }
bc-mode-mandatory = mandatory (also reaches those who muted reminders)
bc-mode-optional = optional (not sent to those who muted reminders)
bc-when-now = Sent: as soon as it is confirmed
bc-when-at = Sent: { $time }
bc-preview =
    Preview of broadcast #{ $id }
    Recipients: { $audience } — { $count } people
    Type: { $mode }
    { $when }

    Send this broadcast?
btn-bc-confirm = ✅ Send
btn-bc-make-optional = 🔕 Make optional
btn-bc-make-mandatory = 🔔 Make mandatory
btn-bc-change-audience = ↩️ Change recipients
bc-queued = Broadcast #{ $id } is going out to { $count } people.
bc-scheduled = Broadcast #{ $id } is scheduled for { $time } to { $audience }.
bc-discarded = Broadcast cancelled; nothing was sent.
bc-not-open = This broadcast can no longer be changed.
bc-not-yours = Only the author of a broadcast or an admin can cancel it.
bc-cancelled = Broadcast #{ $id } stopped. { $count } messages will not be sent.

## Progress
bc-progress = Broadcast #{ $id }: Sent { $sent }/{ $total } · failed { $failed } · blocked { $blocked } · done in ± { $minutes } min
bc-final = Broadcast #{ $id } finished. Sent { $sent }/{ $total } · failed { $failed } · blocked { $blocked } · cancelled { $cancelled }
btn-bc-stop = ⛔ Stop broadcast #{ $id }

## Broadcast list
bc-list-title = Latest broadcasts:
bc-list-empty = No broadcasts yet.
bc-list-item = #{ $id } · { $status } · { $what } · { $when } · sent { $sent }/{ $total }, failed { $failed }, blocked { $blocked }
bc-kind-reminder = automatic reminder
bc-status-draft = draft
bc-status-scheduled = scheduled
bc-status-queued = sending
bc-status-done = finished
bc-status-cancelled = cancelled
bc-status-skipped = skipped

## Reminders
reminder-pledge = ⏰ { $days } days to go until { $election }. You have not taken the ASN neutrality pledge yet. Send /ikrar to pledge now; it takes a minute.
reminder-neutral = 🤫 Quiet period of { $election }: { $days } days to go until the vote. Stay neutral: don't attend campaign events, don't like or share candidates' content, and refuse every gift.
rem-title = Reminder schedule for { $election } (vote on { $date }):
rem-line-pledge = • { $time } — invitation to pledge (for those who haven't)
rem-line-neutral = • { $time } — quiet-period reminder
rem-none = No more reminders before the vote.
rem-muted = Automatic reminders: muted. Mandatory broadcasts from HR still reach you.
rem-unmuted = Automatic reminders: on.
btn-rem-mute = 🔕 Mute reminders
btn-rem-unmute = 🔔 Turn reminders on
