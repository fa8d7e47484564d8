# Answers to neutrality questions (knowledge module). Rule texts live in knowledge.toml.

## Verdict marks, shown first
kb-verdict-allowed = ✅ Allowed
kb-verdict-forbidden = ❌ Forbidden
kb-verdict-conditional = ⚠️ Conditional
kb-verdict-info = ℹ️ Info

## Answer section labels
kb-label-explanation = Explanation
kb-label-legal-basis = Legal basis
kb-label-sanction = Sanction

## Out-of-scope questions
kb-declined-heading = 🙏 Outside my topic
kb-declined-body = Sorry, this question is outside what I can answer. I only answer questions about civil servant (ASN) neutrality in elections.
kb-declined-hr = For other personnel matters, please contact your agency's HR unit (BKPSDM/BKD/Biro SDM).
kb-declined-helpdesk = Helpdesk: { $contact }

## Dates
kb-date = { $weekday }, { $day } { $month } { $year }
kb-date-today = today
kb-date-days-left =
    { $days ->
        [one] in { $days } day
       *[other] in { $days } days
    }
kb-date-past = already passed
kb-weekday-1 = Monday
kb-weekday-2 = Tuesday
kb-weekday-3 = Wednesday
kb-weekday-4 = Thursday
kb-weekday-5 = Friday
kb-weekday-6 = Saturday
kb-weekday-7 = Sunday
kb-month-1 = January
kb-month-2 = February
kb-month-3 = March
kb-month-4 = April
kb-month-5 = May
kb-month-6 = June
kb-month-7 = July
kb-month-8 = August
kb-month-9 = September
kb-month-10 = October
kb-month-11 = November
kb-month-12 = December
