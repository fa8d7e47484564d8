# Teks antarmuka bot, Bahasa Indonesia (bahasa utama).

## Sapaan dan menu
start-greeting = Halo, { $name }! 👋
start-intro =
    Saya bot Netralitas ASN untuk { $election }.
    • Ikrar netralitas secara digital, lengkap dengan tanda terima.
    • Tanya "bolehkah ASN …?" dan dapatkan jawaban beserta dasar hukumnya.
start-unit-selected = Unit kerja Anda sudah dipilih: { $unit }.
btn-pledge = ✍️ Ikrar netralitas
btn-ask = ❓ Tanya aturan
btn-status = 📄 Status saya
btn-lang = 🌐 English

## Daftar perintah (menu Telegram dan /help)
help-title = Perintah yang tersedia:
help-admin-title = Perintah admin:
help-hr-title = Perintah HR:
cmd-ikrar = ikrar netralitas ASN
cmd-status = status pendaftaran dan tanda terima
cmd-tanya = tanya aturan netralitas
cmd-topik = jelajahi topik aturan
cmd-pengingat = jadwal pengingat
cmd-lang = ganti bahasa (Indonesia/English)
cmd-help = daftar perintah
cmd-stats = rekap ikrar per unit kerja

## Pendaftaran
reg-intro = Sebelum berikrar, isi data singkat Anda (4 langkah).
reg-ask-employment = Langkah 1/4 · Apa status kepegawaian Anda?
employment-pns = PNS
employment-pppk = PPPK
employment-nonasn = Non-ASN (honorer/kontrak)
reg-ask-name = Langkah 2/4 · Tulis nama lengkap Anda sesuai data kepegawaian, atau ketuk tombol di bawah untuk memakai nama Telegram Anda.
btn-use-name = Pakai "{ $name }"
name-error-empty = Nama tidak boleh kosong. Silakan tulis nama lengkap Anda.
name-error-long = Nama terlalu panjang (maksimal 100 karakter). Silakan tulis lagi.
name-error-letters = Nama harus mengandung huruf. Silakan tulis nama lengkap Anda.
reg-ask-nip-required = Langkah 3/4 · Tulis NIP Anda (18 angka, tanpa spasi).
reg-ask-nip-optional = Langkah 3/4 · Tulis NIP/NI PPPK Anda (18 angka) bila ada, atau ketuk "Lewati".
btn-skip-nip = Lewati
nip-error-digits = NIP hanya berisi angka. Silakan periksa dan tulis lagi.
nip-error-length = NIP terdiri dari 18 angka, yang Anda tulis { $count } angka. Silakan periksa lagi.
nip-error-birth = Tanggal lahir di dalam NIP (8 angka pertama) tidak valid. Silakan periksa lagi.
nip-error-appointment = Bulan dan tahun pengangkatan di dalam NIP (angka ke-9 sampai ke-14) tidak masuk akal. Silakan periksa lagi.
nip-error-gender = Angka ke-15 NIP (jenis kelamin) harus 1 atau 2. Silakan periksa lagi.
reg-ask-unit = Langkah 4/4 · Pilih unit kerja Anda (halaman { $page }/{ $pages }).
btn-prev = ◀️ Sebelumnya
btn-next = Berikutnya ▶️
reg-unit-chosen = Unit kerja: { $unit }
reg-expect-text = Saya menunggu jawaban berupa teks untuk langkah ini. Silakan tulis jawabannya, atau kirim /batal untuk berhenti.
reg-expect-button = Silakan pilih salah satu tombol di atas, atau kirim /batal untuk berhenti.
reg-cancelled = Pendaftaran dibatalkan. Anda bisa memulai lagi kapan saja dengan /ikrar.

## Ikrar
pledge-intro = Bacalah ikrar berikut dengan saksama:
pledge-text =
    IKRAR NETRALITAS ASN — { $election }

    Kami Aparatur Sipil Negara berikrar:
    1. Menjaga dan menegakkan netralitas ASN dalam melayani masyarakat, sebelum, selama, dan sesudah pemilihan.
    2. Menghindari konflik kepentingan, tidak melakukan intimidasi atau ancaman kepada sesama ASN maupun masyarakat, dan tidak memihak pasangan calon mana pun.
    3. Menggunakan media sosial secara bijak, tidak untuk kepentingan calon mana pun, serta tidak menyebarkan ujaran kebencian dan berita bohong.
    4. Menolak politik uang dan segala bentuk pemberian.
btn-pledge-confirm = 🤝 Saya berikrar
btn-pledge-cancel = Batal
pledge-cancelled = Baik, ikrar belum dicatat. Anda bisa kembali kapan saja dengan /ikrar.
receipt =
    ✅ Ikrar Anda telah tercatat.

    Nama: { $name }
    Unit kerja: { $unit }
    Pemilihan: { $election }
    Waktu: { $time }
    Kode tanda terima: { $code }

    Simpan kode ini sebagai bukti ikrar Anda.
# The spinner's note the moment the pledge is stored; the receipt follows from the outbox.
pledge-logged-toast = ✅ Ikrar tercatat. Tanda terima Anda segera dikirim.
receipt-existing = Anda sudah berikrar untuk { $election }. Ini tanda terima Anda:

## Status
status-unregistered = Anda belum terdaftar. Ketik /ikrar untuk mendaftar dan berikrar.
status-registered =
    Nama: { $name }
    Status kepegawaian: { $employment }
    NIP: { $nip }
    Unit kerja: { $unit }
status-not-pledged = Anda belum berikrar untuk { $election }. Ketik /ikrar untuk berikrar.
status-no-nip = -

## Bahasa
lang-set = Bahasa diganti ke Bahasa Indonesia.

## Admin
refused-role = Maaf, perintah ini hanya untuk petugas yang berwenang.

## Umum
group-use-private = Untuk mendaftar dan berikrar, silakan kirim pesan pribadi kepada saya: { $link }
unknown-command = Perintah itu tidak saya kenal. Ketik /help untuk melihat daftar perintah.
edited-command = Perintah di pesan yang diubah tidak dijalankan lagi. Kirim perintahnya sebagai pesan baru.
only-text = Maaf, saya hanya bisa membaca pesan teks. Silakan tulis pertanyaan Anda.
callback-stale = Tombol ini sudah tidak berlaku. Silakan mulai lagi dari menu.
error-generic = Maaf, terjadi gangguan di sisi kami. Silakan coba lagi sebentar lagi. Bila berlanjut, hubungi { $helpdesk }.

## Tanya jawab
qa-topics = 📚 Pilih topik aturan netralitas, atau langsung tulis pertanyaan Anda:
qa-topic-rules = { $topic }: pilih aturan yang ingin Anda baca.
btn-other-topics = 📚 Topik lain
btn-helpful = 👍 Membantu
btn-not-helpful = 👎 Tidak membantu
btn-back = ◀️ Kembali
qa-feedback-thanks = Terima kasih atas masukan Anda!
