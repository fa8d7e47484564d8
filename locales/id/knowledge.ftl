# Jawaban pertanyaan netralitas (modul knowledge). Teks aturan ada di knowledge.toml.

## Tanda putusan, ditampilkan paling depan
kb-verdict-allowed = ✅ Boleh
kb-verdict-forbidden = ❌ Dilarang
kb-verdict-conditional = ⚠️ Bersyarat
kb-verdict-info = ℹ️ Info

## Label bagian jawaban
kb-label-explanation = Penjelasan
kb-label-legal-basis = Dasar hukum
kb-label-sanction = Sanksi

## Pertanyaan di luar topik
kb-declined-heading = 🙏 Di luar topik
kb-declined-body = Mohon maaf, pertanyaan ini di luar hal yang dapat saya jawab. Saya khusus menjawab pertanyaan tentang netralitas ASN dalam pemilu dan pilkada.
kb-declined-hr = Untuk urusan kepegawaian lainnya, silakan hubungi unit kepegawaian instansi Anda (BKPSDM/BKD/Biro SDM).
kb-declined-helpdesk = Helpdesk: { $contact }

## Tanggal
kb-date = { $weekday }, { $day } { $month } { $year }
kb-date-today = hari ini
kb-date-days-left = { $days } hari lagi
kb-date-past = sudah lewat
kb-weekday-1 = Senin
kb-weekday-2 = Selasa
kb-weekday-3 = Rabu
kb-weekday-4 = Kamis
kb-weekday-5 = Jumat
kb-weekday-6 = Sabtu
kb-weekday-7 = Minggu
kb-month-1 = Januari
kb-month-2 = Februari
kb-month-3 = Maret
kb-month-4 = April
kb-month-5 = Mei
kb-month-6 = Juni
kb-month-7 = Juli
kb-month-8 = Agustus
kb-month-9 = September
kb-month-10 = Oktober
kb-month-11 = November
kb-month-12 = Desember
