# Laporan admin dan HR: /stats, /chart, /export, /unanswered, /feedback, peran, audit.

## Menu perintah petugas
help-reports-title = Perintah laporan:
help-owner-title = Perintah pemilik:
cmd-chart = grafik ikrar per unit kerja (PNG)
cmd-export = unduh data ikrar (CSV), opsional kode unit
cmd-unanswered = pertanyaan yang belum terjawab
cmd-feedback = penilaian 👍/👎 per aturan
cmd-grant-admin = jadikan admin (ID atau @username)
cmd-revoke-admin = cabut peran admin
cmd-grant-hr = jadikan petugas HR (ID atau @username)
cmd-revoke-hr = cabut peran HR
cmd-roles = daftar pemegang peran
cmd-audit = 20 catatan audit terakhir

## /stats
stats-title = 📊 Rekap ikrar — { $election }
stats-totals = Terdaftar: { $registered } · Berikrar: { $pledged } ({ $percent } %)
stats-no-unit = (tanpa)
stats-empty = Belum ada ASN yang terdaftar.
stats-col-unit = Unit
stats-col-registered = Dftr
stats-col-pledged = Ikrar
stats-col-share = %
stats-col-workforce = %Pgw
stats-more-units = … dan { $count } unit lain
stats-legend = % = ikrar dari yang terdaftar
stats-legend-workforce =
    % = ikrar dari yang terdaftar
    %Pgw = ikrar dari semua pegawai
stats-daily-title = Ikrar per hari ({ $days } hari terakhir)
reports-private-only = Laporan hanya dikirim lewat pesan pribadi dengan saya, agar data pegawai tidak tersebar di grup.
reports-failed = Maaf, laporan gagal dibuat. Silakan coba lagi sebentar lagi.

## /chart
chart-title = Ikrar per unit — { $election }
chart-caption = 📊 Ikrar per unit kerja, { $election } (per { $date }): { $pledged } dari { $registered } terdaftar.
chart-empty = Belum ada data untuk digambar: belum ada unit kerja.

## /export
export-unknown-unit = Kode unit "{ $code }" tidak ada dalam daftar unit kerja. Contoh kode yang benar: { $examples }.
export-progress = ⏳ Menyiapkan ekspor { $total } baris… { $done } selesai.
export-done = ✅ Ekspor selesai: { $total } baris.
export-caption = Data ikrar { $election } — { $scope }, { $rows } baris.
export-scope-all = semua unit
csv-name = Nama
csv-employment = Status kepegawaian
csv-nip = NIP
csv-unit-code = Kode unit
csv-unit-name = Unit kerja
csv-pledged = Sudah berikrar
csv-time = Waktu ikrar ({ $tz })
csv-receipt = Kode tanda terima
csv-yes = Ya
csv-no = Belum

## /unanswered dan /feedback
unanswered-title = ❓ Pertanyaan yang belum terjawab (terbanyak dulu):
unanswered-empty = Belum ada pertanyaan yang tidak terjawab.
unanswered-line = { $count }× { $question }
feedback-title = 👍/👎 per aturan (paling banyak 👎 dulu):
feedback-empty = Belum ada penilaian jawaban.
feedback-line = 👎 { $bad } · 👍 { $good } · { $rule }

## Peran
role-owner = Pemilik
role-admin = Admin
role-hr = HR
role-asn = ASN
roles-usage = Tulis ID Telegram (angka) atau @username, misalnya: /{ $command } 123456789
roles-not-a-user = "{ $target }" bukan ID Telegram (angka) atau @username.
roles-unknown-user = Pengguna { $target } belum pernah menghubungi bot ini. Minta mereka mengirim /start dulu, lalu coba lagi.
roles-self = Anda tidak dapat mengubah peran Anda sendiri.
roles-last-admin = Tidak bisa: { $name } adalah admin terakhir. Tunjuk admin lain dulu.
roles-owner-config = { $name } adalah pemilik (ADMIN_IDS). Peran pemilik hanya bisa diubah di konfigurasi server.
roles-hr-config = { $name } terdaftar sebagai HR di konfigurasi server (HR_IDS). Peran itu hanya bisa dicabut di sana.
roles-already = { $name } sudah memegang peran { $role }.
roles-higher = { $name } sudah memegang peran yang lebih tinggi ({ $role }).
roles-not-holder = { $name } tidak memegang peran { $role }.
roles-granted = ✅ { $name } sekarang memegang peran { $role }.
roles-revoked = ✅ Peran { $role } { $name } telah dicabut.
roles-title = 👥 Pemegang peran:
roles-line = { $role } · { $name } ({ $id })
roles-none = Belum ada peran yang diberikan.

## Audit
audit-title = 🧾 20 catatan audit terakhir:
audit-empty = Belum ada catatan audit.
audit-line = { $time } · { $actor } · { $action } { $detail }
audit-operator = operator server
