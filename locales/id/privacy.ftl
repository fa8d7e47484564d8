personal-private-only = Data pribadi hanya saya tampilkan di chat pribadi. Silakan kirim pesan pribadi kepada saya: { $link }
cmd-cek = cek keaslian kode tanda terima ikrar
cmd-verify = kepala rantai buku besar dan pemeriksaannya
cek-usage = Kirim kode tanda terima setelah perintahnya, misalnya: /cek IKR-ABCD-EFGH
cek-found =
    ✅ Kode { $code } adalah tanda terima ikrar yang sah dari bot ini.
    Pemilu: { $election }
    Unit kerja: { $unit }
    Tanggal: { $date }
    Atas nama: { $initials }
cek-unknown-unit = (tidak tercatat)
cek-no-initials = (nama telah dihapus atas permintaan pemiliknya)
cek-not-found = Maaf, kode { $code } tidak ditemukan sebagai tanda terima ikrar di bot ini. Periksa kembali penulisannya.
verify-ok =
    🔗 Rantai buku besar utuh.
    Ikrar: { $pledges }
    Entri audit: { $audit }
    Kepala rantai (#{ $seq }): { $head }
verify-broken = ⚠️ Rantai buku besar RUSAK: { $problem } ({ $record }). Jangan ubah basis data; hubungi pengelola teknis.
verify-problem-twin-receipt = dua ikrar memakai kode tanda terima yang sama
verify-problem-gap = ada entri yang hilang sebelum entri ini
verify-problem-reordered = entri tidak menyambung ke entri sebelumnya (dihapus, disisipkan, atau diubah urutannya)
verify-problem-unknown-kind = jenis catatan tidak dikenal
verify-problem-record-missing = catatannya hilang (dihapus atau kuncinya diubah)
verify-problem-field-edited = data pribadi di catatan ini diubah
verify-problem-record-differs = catatan berbeda dari yang dirantai
verify-problem-unchained = catatan tanpa entri di rantai (disisipkan di luar aplikasi)
cmd-dataku = lihat dan hapus data Anda yang disimpan bot
cmd-privasi = data apa yang disimpan, untuk apa, berapa lama
dataku-header = 🗂 Data Anda yang disimpan bot ini:
dataku-profile = Nama Telegram: { $display }
    Nama terdaftar: { $name }
    NIP: { $nip }
    Jenis kepegawaian: { $employment }
    Unit kerja: { $unit }
    Peran: { $role }
dataku-none = (tidak ada)
dataku-pledges = Ikrar:
dataku-pledge-line = • { $election }, { $date }, kode { $code }
dataku-usernames = Username yang pernah dipakai: { $names }
dataku-questions = Pertanyaan yang disimpan untuk penyempurnaan jawaban: { $count }
dataku-question-line = • { $question }
dataku-feedback = Penilaian jawaban yang Anda berikan: { $count }
btn-erase-me = 🗑 Hapus data saya
erase-confirm = Yakin menghapus data Anda? Nama, NIP, username, pertanyaan dan penilaian Anda akan dihapus permanen. Ikrar Anda tetap tercatat tanpa nama (hanya unit dan tanggal), agar rekap tetap benar.
btn-erase-yes = Ya, hapus
btn-erase-no = Tidak
erase-done = Data pribadi Anda telah dihapus. Terima kasih telah menggunakan bot ini.
erase-kept = Baik, data Anda tidak dihapus.
privasi-text =
    🔒 Privasi
    Apa yang disimpan: nama Telegram dan username, nama lengkap, NIP (tidak wajib untuk PPPK dan non-ASN), jenis kepegawaian, unit kerja, ikrar Anda dengan kode tanda terimanya, pertanyaan yang belum bisa dijawab, dan penilaian jawaban.
    Untuk apa: mencatat ikrar netralitas, merekap ikrar per unit untuk BKPSDM, dan memperbaiki jawaban.
    Berapa lama: selama masa pemilu dan pengawasannya, atau sampai Anda menghapusnya lewat /dataku.
    Siapa yang melihat: hanya petugas BKPSDM dan admin yang ditunjuk; nama tidak pernah ditampilkan di grup, dan pemeriksaan kode (/cek) hanya menunjukkan inisial.
    Lihat atau hapus data Anda: /dataku
