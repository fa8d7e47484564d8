# Siaran HR dan pengingat ikrar (bahasa Indonesia).

## Menu perintah
cmd-broadcast = kirim siaran ke ASN
cmd-broadcast-at = jadwalkan siaran (tanggal jam teks)
cmd-broadcasts = daftar siaran dan kemajuannya

## Menyusun siaran
bc-private-only = Siaran hanya bisa disusun di chat pribadi dengan bot.
bc-usage = Tulis /broadcast diikuti teks pengumuman, atau balas salah satu pesan Anda sendiri dengan /broadcast agar formatnya tetap.
bc-usage-at = Format: /broadcast_at { $example } teks pengumuman (tanggal dan jam menurut { $tz }).
bc-usage-at-short = Setelah tanggal dan jam, tulis teks pengumumannya, atau balas pesan Anda sendiri dengan perintah ini.
bc-in-past = Waktu itu sudah lewat (sekarang { $now }). Pilih waktu yang akan datang.
bc-too-long = Teks terlalu panjang: { $count } karakter. Batas Telegram { $max } karakter per pesan; silakan persingkat atau bagi menjadi beberapa siaran.
bc-reply-own = Hanya pesan Anda sendiri yang bisa disiarkan. Balas pesan Anda dengan /broadcast.
bc-choose-audience = Siaran #{ $id } siap. Kepada siapa siaran ini dikirim?
btn-bc-all = 👥 Semua ASN
btn-bc-unpledged = ✍️ Yang belum ikrar
btn-bc-unit = 🏢 Satu unit kerja
btn-bc-discard = ✖️ Batalkan
bc-choose-unit = Pilih unit kerja (halaman { $page }/{ $pages }):
bc-audience-all = semua ASN
bc-audience-unpledged = ASN yang belum ikrar
bc-audience-reg-unpledged = ASN terdaftar yang belum ikrar
bc-audience-unit = unit { $unit }
bc-mode-mandatory = wajib (sampai juga ke yang mematikan pengingat)
bc-mode-optional = opsional (tidak dikirim ke yang mematikan pengingat)
bc-when-now = Dikirim: segera setelah dikonfirmasi
bc-when-at = Dikirim: { $time }
bc-preview =
    Pratinjau siaran #{ $id }
    Penerima: { $audience } — { $count } orang
    Sifat: { $mode }
    { $when }

    Kirim siaran ini?
btn-bc-confirm = ✅ Kirim
btn-bc-make-optional = 🔕 Jadikan opsional
btn-bc-make-mandatory = 🔔 Jadikan wajib
btn-bc-change-audience = ↩️ Ganti penerima
bc-queued = Siaran #{ $id } mulai dikirim ke { $count } orang.
bc-scheduled = Siaran #{ $id } dijadwalkan { $time } untuk { $audience }.
bc-discarded = Siaran dibatalkan; tidak ada yang dikirim.
bc-not-open = Siaran ini sudah tidak bisa diubah.
bc-not-yours = Hanya pembuat siaran atau admin yang bisa membatalkannya.
bc-cancelled = Siaran #{ $id } dihentikan. { $count } pesan tidak jadi dikirim.

## Kemajuan
bc-progress = Siaran #{ $id }: Terkirim { $sent }/{ $total } · gagal { $failed } · diblokir { $blocked } · selesai ± { $minutes } menit
bc-final = Siaran #{ $id } selesai. Terkirim { $sent }/{ $total } · gagal { $failed } · diblokir { $blocked } · dibatalkan { $cancelled }
btn-bc-stop = ⛔ Hentikan siaran #{ $id }

## Daftar siaran
bc-list-title = Siaran terakhir:
bc-list-empty = Belum ada siaran.
bc-list-item = #{ $id } · { $status } · { $what } · { $when } · terkirim { $sent }/{ $total }, gagal { $failed }, diblokir { $blocked }
bc-kind-reminder = pengingat otomatis
bc-status-draft = draf
bc-status-scheduled = terjadwal
bc-status-queued = sedang dikirim
bc-status-done = selesai
bc-status-cancelled = dibatalkan
bc-status-skipped = dilewati

## Pengingat
reminder-pledge = ⏰ { $days } hari lagi menuju { $election }. Anda belum mengucapkan ikrar netralitas ASN. Kirim /ikrar untuk berikrar sekarang; hanya butuh satu menit.
reminder-neutral = 🤫 Masa tenang { $election }: { $days } hari lagi menuju pemungutan suara. Tetap netral: jangan hadir di kegiatan kampanye, jangan menyukai atau membagikan konten calon, dan tolak setiap pemberian.
rem-title = Jadwal pengingat { $election } (pemungutan suara { $date }):
rem-line-pledge = • { $time } — ajakan ikrar (bagi yang belum ikrar)
rem-line-neutral = • { $time } — pengingat masa tenang
rem-none = Tidak ada pengingat lagi sebelum pemungutan suara.
rem-muted = Pengingat otomatis: dimatikan. Siaran wajib dari BKPSDM tetap Anda terima.
rem-unmuted = Pengingat otomatis: aktif.
btn-rem-mute = 🔕 Matikan pengingat
btn-rem-unmute = 🔔 Aktifkan pengingat
