chain-daily-title = 🗓 Laporan harian rantai buku besar, { $date }. Simpan kepala rantai ini di luar server (catatan, surel, grup pengawas): jika nanti berbeda, ada yang mengubah data.
roles-ambiguous = Username @{ $name } pernah dipakai oleh lebih dari satu pengguna (ID: { $ids }), jadi saya tidak bisa memastikan siapa yang dimaksud. Tulis ID Telegram (angka) orangnya, misalnya: /{ $command } { $example }
roles-confirm-grant =
    Berikan peran { $role } kepada orang ini?
    Nama: { $name }
    Unit kerja: { $unit }
    ID Telegram: { $id }
    Periksa baik-baik, lalu tekan tombol di bawah.
roles-no-unit = (belum mendaftar)
btn-roles-confirm = ✅ Ya, berikan peran { $role }
btn-roles-cancel = ✖️ Batal
roles-grant-cancelled = Pemberian peran dibatalkan. Tidak ada yang berubah.
cmd-backup = cadangan basis data sebagai dokumen (khusus pemilik)
backup-progress-copying = ⏳ Membuat salinan basis data…
backup-progress-sending = 📤 Mengirim salinan ({ $pledges } ikrar, { $size })…
backup-done = ✅ Cadangan terkirim: { $pledges } ikrar, { $size }. Berkas ini berisi NIP dan nama semua ASN: simpan di tempat yang aman dan hapus dari perangkat yang tidak aman.
backup-caption = Cadangan { $election }, { $date }: { $pledges } ikrar. Rahasia: berisi data pribadi.
backup-too-big = ❌ Salinan ({ $size }) melebihi batas 50 MB untuk dokumen Telegram. Buat cadangan di server dengan: netralitas-bot backup --out BERKAS
backup-failed = ❌ Cadangan gagal dibuat. Tidak ada berkas yang dikirim; rincian ada di log server.
