# Reports for admins and HR: /stats, /chart, /export, /unanswered, /feedback, roles, audit.

## Officer command menus
help-reports-title = Report commands:
help-owner-title = Owner commands:
cmd-chart = chart of pledges per work unit (PNG)
cmd-export = download pledge data (CSV), optional unit code
cmd-unanswered = questions the bot could not answer
cmd-feedback = 👍/👎 ratings per rule
cmd-grant-admin = make someone admin (id or @username)
cmd-revoke-admin = remove the admin role
cmd-grant-hr = make someone an HR officer (id or @username)
cmd-revoke-hr = remove the HR role
cmd-roles = who holds which role
cmd-audit = last 20 audit entries

## /stats
stats-title = 📊 Pledge totals — { $election }
stats-totals = Registered: { $registered } · Pledged: { $pledged } ({ $percent } %)
stats-no-unit = (none)
stats-empty = No civil servant has registered yet.
stats-col-unit = Unit
stats-col-registered = Reg
stats-col-pledged = Pled
stats-col-share = %
stats-col-workforce = %HC
stats-more-units = … and { $count } more units
stats-legend = % = pledged of registered
stats-legend-workforce =
    % = pledged of registered
    %HC = pledged of unit headcount
stats-daily-title = Pledges per day (last { $days } days)
reports-private-only = Reports are only sent in a private chat with me, so staff data doesn't spread in groups.
reports-failed = Sorry, the report could not be made. Please try again in a moment.

## /chart
chart-title = Pledges per unit — { $election }
chart-caption = 📊 Pledges per work unit, { $election } (as of { $date }): { $pledged } of { $registered } registered.
chart-empty = Nothing to draw yet: there are no work units.

## /export
export-unknown-unit = Unit code "{ $code }" is not in the list of work units. Examples of valid codes: { $examples }.
export-progress = ⏳ Preparing an export of { $total } rows… { $done } done.
export-done = ✅ Export finished: { $total } rows.
export-caption = Pledge data { $election } — { $scope }, { $rows } rows.
export-scope-all = all units
csv-name = Name
csv-employment = Employment
csv-nip = NIP
csv-unit-code = Unit code
csv-unit-name = Work unit
csv-pledged = Pledged
csv-time = Pledge time ({ $tz })
csv-receipt = Receipt code
csv-yes = Yes
csv-no = No

## /unanswered and /feedback
unanswered-title = ❓ Questions the bot could not answer (most asked first):
unanswered-empty = No unanswered questions yet.
unanswered-line = { $count }× { $question }
feedback-title = 👍/👎 per rule (most 👎 first):
feedback-empty = No answer has been rated yet.
feedback-line = 👎 { $bad } · 👍 { $good } · { $rule }

## Roles
role-owner = Owner
role-admin = Admin
role-hr = HR
role-asn = ASN
roles-usage = Give a numeric Telegram id or an @username, for example: /{ $command } 123456789
roles-not-a-user = "{ $target }" is not a numeric Telegram id or an @username.
roles-unknown-user = User { $target } has never contacted this bot. Ask them to send /start first, then try again.
roles-self = You cannot change your own role.
roles-last-admin = Not possible: { $name } is the last admin. Appoint another admin first.
roles-owner-config = { $name } is an owner (ADMIN_IDS). Owners can only be changed in the server configuration.
roles-hr-config = { $name } is HR in the server configuration (HR_IDS). That role can only be removed there.
roles-already = { $name } already holds the { $role } role.
roles-higher = { $name } already holds a higher role ({ $role }).
roles-not-holder = { $name } does not hold the { $role } role.
roles-granted = ✅ { $name } now holds the { $role } role.
roles-revoked = ✅ { $name } no longer holds the { $role } role.
roles-title = 👥 Role holders:
roles-line = { $role } · { $name } ({ $id })
roles-none = No roles have been granted yet.

## Audit
audit-title = 🧾 Last 20 audit entries:
audit-empty = No audit entries yet.
audit-line = { $time } · { $actor } · { $action } { $detail }
audit-operator = server operator
