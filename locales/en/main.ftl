# Bot interface text, English (second language).

## Greeting and menu
start-greeting = Hello, { $name }! 👋
start-intro =
    I am the ASN Neutrality bot for { $election }.
    • Take the neutrality pledge digitally and get a receipt.
    • Ask "may a civil servant …?" and get an answer with its legal basis.
start-unit-selected = Your work unit is already selected: { $unit }.
btn-pledge = ✍️ Neutrality pledge
btn-ask = ❓ Ask about the rules
btn-status = 📄 My status
btn-lang = 🌐 Bahasa Indonesia

## Command list (Telegram menu and /help)
help-title = Available commands:
help-admin-title = Admin commands:
help-hr-title = HR commands:
cmd-ikrar = take the ASN neutrality pledge
cmd-status = your registration and receipt
cmd-tanya = ask about the neutrality rules
cmd-topik = browse rule topics
cmd-pengingat = reminder schedule
cmd-lang = switch language (Indonesia/English)
cmd-help = list of commands
cmd-stats = pledge totals per work unit

## Registration
reg-intro = Before pledging, please fill in a few details (4 steps).
reg-ask-employment = Step 1/4 · What is your employment status?
employment-pns = PNS (civil servant)
employment-pppk = PPPK (contract civil servant)
employment-nonasn = Non-ASN (honorary/contract staff)
reg-ask-name = Step 2/4 · Type your full name as in your personnel records, or tap the button below to use your Telegram name.
btn-use-name = Use "{ $name }"
name-error-empty = The name can't be empty. Please type your full name.
name-error-long = That name is too long (100 characters at most). Please type it again.
name-error-letters = A name needs letters. Please type your full name.
reg-ask-nip-required = Step 3/4 · Type your NIP (18 digits, no spaces).
reg-ask-nip-optional = Step 3/4 · Type your NIP/NI PPPK (18 digits) if you have one, or tap "Skip".
btn-skip-nip = Skip
nip-error-digits = A NIP contains digits only. Please check it and type it again.
nip-error-length = A NIP has 18 digits; you typed { $count }. Please check it again.
nip-error-birth = The birth date inside the NIP (first 8 digits) is not valid. Please check it again.
nip-error-appointment = The appointment month and year inside the NIP (digits 9 to 14) are not plausible. Please check it again.
nip-error-gender = Digit 15 of the NIP (gender) must be 1 or 2. Please check it again.
reg-ask-unit = Step 4/4 · Choose your work unit (page { $page }/{ $pages }).
btn-prev = ◀️ Previous
btn-next = Next ▶️
reg-unit-chosen = Work unit: { $unit }
reg-expect-text = I need a text answer for this step. Please type it, or send /batal to stop.
reg-expect-button = Please choose one of the buttons above, or send /batal to stop.
reg-cancelled = Registration cancelled. You can start again any time with /ikrar.

## Pledge
pledge-intro = Please read the pledge carefully:
pledge-text =
    ASN NEUTRALITY PLEDGE — { $election }

    We, the civil servants, pledge to:
    1. Keep and uphold ASN neutrality in serving the public, before, during and after the election.
    2. Avoid conflicts of interest, never intimidate or threaten fellow civil servants or the public, and take no side with any candidate.
    3. Use social media wisely, not for the benefit of any candidate, and spread no hate speech and no hoaxes.
    4. Refuse money politics and every kind of gift.
btn-pledge-confirm = 🤝 I pledge
btn-pledge-cancel = Cancel
pledge-cancelled = All right, the pledge has not been recorded. Come back any time with /ikrar.
receipt =
    ✅ Your pledge has been recorded.

    Name: { $name }
    Work unit: { $unit }
    Election: { $election }
    Time: { $time }
    Receipt code: { $code }

    Keep this code as proof of your pledge.
# The spinner's note the moment the pledge is stored; the receipt follows from the outbox.
pledge-logged-toast = ✅ Pledge recorded. Your receipt is on its way.
receipt-existing = You have already pledged for { $election }. Here is your receipt:

## Status
status-unregistered = You are not registered yet. Send /ikrar to register and pledge.
status-registered =
    Name: { $name }
    Employment: { $employment }
    NIP: { $nip }
    Work unit: { $unit }
status-not-pledged = You have not pledged for { $election } yet. Send /ikrar to pledge.
status-no-nip = -

## Language
lang-set = Language switched to English.

## Admin
refused-role = Sorry, this command is only for authorised officers.

## General
group-use-private = To register and pledge, please message me privately: { $link }
unknown-command = I don't know that command. Send /help for the list of commands.
edited-command = A command in an edited message is not run again. Send the command as a new message.
only-text = Sorry, I can only read text messages. Please type your question.
callback-stale = This button is no longer valid. Please start again from the menu.
error-generic = Sorry, something went wrong on our side. Please try again in a moment. If it persists, contact { $helpdesk }.

## Questions and answers
qa-topics = 📚 Choose a topic of the neutrality rules, or just type your question:
qa-topic-rules = { $topic }: choose the rule you want to read.
btn-other-topics = 📚 Other topics
btn-helpful = 👍 Helpful
btn-not-helpful = 👎 Not helpful
btn-back = ◀️ Back
qa-feedback-thanks = Thank you for your feedback!
