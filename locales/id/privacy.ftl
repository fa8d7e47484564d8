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
verify-broken = ⚠️ Rantai buku besar RUSAK: { $problem }. Jangan ubah basis data; hubungi pengelola teknis.
