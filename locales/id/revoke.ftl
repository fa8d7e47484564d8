# Pencabutan peran dan pembatalan siaran (issue 12).
revoke-broadcasts-cancelled = { $count } siaran miliknya yang terjadwal atau sedang berjalan dibatalkan; tidak ada lagi pesan yang dikirim.
cmd-cancel-broadcast = batalkan siaran menurut nomornya
bc-cancel-usage = Format: /cancel_broadcast <nomor siaran>, misalnya /cancel_broadcast 12. Nomornya ada di /broadcasts.
bc-cancel-unknown = Tidak ada siaran terbuka dengan nomor { $id }. Lihat /broadcasts.
bc-list-page = Halaman { $page } dari { $pages } ({ $total } siaran, yang masih terbuka di depan).
btn-bc-page-prev = ◀ Sebelumnya
btn-bc-page-next = Berikutnya ▶
