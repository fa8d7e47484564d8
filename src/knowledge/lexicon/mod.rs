//! Word lists for normalisation. Everything here applies to the knowledge base and to questions
//! alike, so adding an entry can only make the two meet more often.

mod chat;
mod regional;
mod topics;

/// Chat spelling, abbreviations and informal verb forms → standard words (may be several words, or
/// none to drop the token). Keys are lowercase tokens as split by the tokenizer. Tables are read in
/// this order; a later entry for the same key wins.
pub(crate) const REWRITES: &[&[(&str, &str)]] = &[
    chat::CHAT,
    regional::REGIONAL,
    topics::TOPICS,
    chat::FILLERS,
];

/// Words whose reduplication means what the single form, a function word, does not: "bagi-bagi
/// amplop" hands out envelopes, "bagi" alone is "for".
pub(crate) const REDUPLICATED: &[(&str, &str)] = &[("bagi", "membagi")];

/// Two neighbouring words (after rewriting) whose meaning is not that of their parts → the words
/// that say it ("" drops both). "ikut pemilu" is voting, not running for office; "masa sih" only
/// doubts.
pub(crate) const PHRASES: &[(&str, &str, &str)] = &[
    ("ikut", "pemilu", "coblos pemilu"),
    ("ikut", "coblos", "coblos"),
    ("ikut", "memilih", "coblos memilih"),
    ("ikut", "pilih", "coblos pilih"),
    ("ikut", "mencoblos", "coblos"),
    // Taking part in a group is joining it.
    ("ikut", "grup", "gabung grup"),
    ("masa", "sih", ""),
    // Sundanese "dina hate" is "in the heart" (a private choice), not the English "hate".
    ("di", "hate", "dalam hati"),
    ("take", "part", ""),
    ("cast", "ballot", "vote ballot"),
    ("stay", "home", "abstain"),
    ("vote", "buying", "money politics"),
    ("buy", "votes", "money politics"),
    ("village", "chief", "kepala desa"),
    // A polling station's officer is KPPS, not a voter at the polling station.
    ("station", "officer", "kpps"),
    ("station", "officers", "kpps"),
    ("station", "staff", "kpps"),
    ("station", "worker", "kpps"),
    ("station", "workers", "kpps"),
    ("poll", "worker", "kpps"),
    ("poll", "workers", "kpps"),
    // Campaigns, volunteers, banners and elections that are not the election: a health campaign is
    // outreach, a disaster volunteer is no campaign volunteer, a shop banner is an advertisement,
    // choosing a cooperative's chair is no election.
    ("kampanye", "kesehatan", "penyuluhan kesehatan"),
    ("kampanye", "anti", "penyuluhan anti"),
    ("kampanye", "antinarkoba", "penyuluhan antinarkoba"),
    ("kampanye", "lingkungan", "penyuluhan lingkungan"),
    ("kampanye", "imunisasi", "penyuluhan imunisasi"),
    ("kampanye", "vaksinasi", "penyuluhan vaksinasi"),
    ("kampanye", "gizi", "penyuluhan gizi"),
    ("kampanye", "stunting", "penyuluhan stunting"),
    ("kampanye", "literasi", "penyuluhan literasi"),
    ("kampanye", "keselamatan", "penyuluhan keselamatan"),
    ("kampanye", "germas", "penyuluhan germas"),
    ("kampanye", "cuci", "penyuluhan cuci"),
    ("kampanye", "kebersihan", "penyuluhan kebersihan"),
    ("kampanye", "hemat", "penyuluhan hemat"),
    ("kampanye", "donor", "penyuluhan donor"),
    ("kampanye", "sadar", "penyuluhan sadar"),
    ("kampanye", "pencegahan", "penyuluhan pencegahan"),
    ("kampanye", "bebas", "penyuluhan bebas"),
    ("relawan", "pmi", "sukarelawan pmi"),
    ("relawan", "bencana", "sukarelawan bencana"),
    ("relawan", "banjir", "sukarelawan banjir"),
    ("relawan", "gempa", "sukarelawan gempa"),
    ("relawan", "posyandu", "sukarelawan posyandu"),
    ("relawan", "donor", "sukarelawan donor"),
    ("relawan", "kemanusiaan", "sukarelawan kemanusiaan"),
    ("relawan", "covid", "sukarelawan covid"),
    ("relawan", "vaksinasi", "sukarelawan vaksinasi"),
    ("relawan", "masjid", "sukarelawan masjid"),
    ("relawan", "gereja", "sukarelawan gereja"),
    ("relawan", "sosial", "sukarelawan sosial"),
    ("relawan", "lingkungan", "sukarelawan lingkungan"),
    ("relawan", "pendidikan", "sukarelawan pendidikan"),
    ("spanduk", "promosi", "papan iklan promosi"),
    ("spanduk", "usaha", "papan iklan usaha"),
    ("spanduk", "toko", "papan iklan toko"),
    ("spanduk", "hut", "papan iklan hut"),
    ("spanduk", "ucapan", "papan iklan ucapan"),
    ("spanduk", "iklan", "papan iklan iklan"),
    ("spanduk", "diskon", "papan iklan diskon"),
    ("spanduk", "jualan", "papan iklan jualan"),
    ("spanduk", "dagangan", "papan iklan dagangan"),
    ("spanduk", "lomba", "papan iklan lomba"),
    ("baliho", "promosi", "papan iklan promosi"),
    ("baliho", "usaha", "papan iklan usaha"),
    ("baliho", "toko", "papan iklan toko"),
    ("baliho", "hut", "papan iklan hut"),
    ("baliho", "ucapan", "papan iklan ucapan"),
    ("baliho", "iklan", "papan iklan iklan"),
    ("baliho", "diskon", "papan iklan diskon"),
    ("baliho", "jualan", "papan iklan jualan"),
    ("baliho", "dagangan", "papan iklan dagangan"),
    ("baliho", "lomba", "papan iklan lomba"),
    ("pemilihan", "ketua", "seleksi ketua"),
    ("pemilihan", "rt", "seleksi rt"),
    ("pemilihan", "rw", "seleksi rw"),
    ("pemilihan", "osis", "seleksi osis"),
    ("pemilihan", "duta", "seleksi duta"),
    ("pemilihan", "direktur", "seleksi direktur"),
    ("pemilihan", "rektor", "seleksi rektor"),
    ("pemilihan", "pengurus", "seleksi pengurus"),
    ("health", "campaign", "health outreach"),
    ("awareness", "campaign", "awareness outreach"),
    ("vaccination", "campaign", "vaccination outreach"),
    ("hygiene", "campaign", "hygiene outreach"),
    ("safety", "campaign", "safety outreach"),
    ("antidrug", "campaign", "antidrug outreach"),
    // Early retirement asked of someone still serving is leaving the service, not being retired.
    ("pensiun", "dini", "mundur berhenti"),
    ("purna", "bakti", "pensiun"),
    ("purna", "tugas", "pensiun"),
    // Announcing a candidacy is declaring it; a non-party candidate is an independent one.
    ("pengumuman", "pencalonan", "deklarasi pencalonan"),
    // A candidate pair ("pasangan calon", "paslon") is no act of putting up ("pasang"), which is
    // what the stemmer would make of "pasangan".
    ("pasangan", "calon", "paslon calon"),
    ("non", "party", "independent"),
    ("non", "partai", "independen"),
    // "Berarti saya ..." draws a conclusion ("so I need not vote?"); "netral itu berarti ..." asks
    // what neutrality means, and keeps the word.
    ("berarti", "saya", ""),
    ("berarti", "kami", ""),
    ("berarti", "asn", "asn"),
    // "My preferred candidate" is the candidate an act is for, not the question whether one may
    // have a preference; rent for a plot or a wall is no gift to a voter.
    ("preferred", "candidate", "candidate"),
    ("preferred", "candidates", "candidate"),
    ("uang", "sewa", "sewa"),
    // A "potongan" of a video or a debate is a clip of it, not a deduction.
    ("potongan", "video", "klip video"),
    ("potongan", "debat", "klip debat"),
    // Filing or lodging a complaint is reporting.
    ("file", "complaint", "report"),
    ("lodge", "complaint", "report"),
    ("file", "report", "report"),
    ("wali", "nagari", "kepala desa"),
    // PPPK spelled out: "pegawai pemerintah dengan perjanjian kerja".
    ("perjanjian", "kerja", "pppk perjanjian kerja"),
    ("ketuk", "pintu", "door to door"),
    ("wakil", "rakyat", "anggota dprd"),
    // One's own child (not a pupil, not "anak buah") is a relative.
    ("anak", "saya", "anak kerabat"),
    // "Bapak saya" is one's father; the honorific "Bapak" does not take a possessive.
    ("bapak", "saya", "ayah bapak"),
    // The opening of a question asked aloud ("izin bertanya pak") asks leave to speak, not a
    // permit; news "not necessarily true" is an unverified claim; an idle quarrel is no debate.
    ("izin", "bertanya", ""),
    ("izin", "tanya", ""),
    ("izin", "menanyakan", ""),
    ("tentu", "benar", "hoaks"),
    ("belum", "terverifikasi", "hoaks"),
    ("kabar", "burung", "hoaks"),
    ("debat", "kusir", "cekcok"),
    // A penalty that a law threatens is a sanction, not a threat made by someone.
    ("ancaman", "hukuman", "hukuman"),
    ("ancaman", "pidana", "pidana"),
    ("ancaman", "sanksi", "sanksi"),
];

/// Words dropped before stemming: function words of both languages, the framing of a question
/// ("bolehkah", "apakah", "is it allowed") which every rule shares, and negations. Dropping
/// negations is deliberate: "Apakah ASN dilarang mencoblos?" asks about voting just as "Bolehkah
/// ASN mencoblos?" does, and the answer explains the verdict either way.
#[rustfmt::skip]
pub(crate) const STOPWORDS: &[&str] = &[
    // Indonesian.
    "yang", "di", "ke", "dari", "dan", "atau", "itu", "ini", "untuk", "dengan", "pada", "dalam",
    "oleh", "karena", "jika", "kalau", "apabila", "bila", "maka", "juga", "saja", "sudah", "belum",
    "akan", "sedang", "lagi", "masih", "harus", "sebagai", "adalah", "ialah", "tersebut", "para",
    "sang", "si", "pun", "lah", "kah", "nya", "mau", "ingin", "tentang", "agar", "supaya", "soal",
    "hal", "ada", "saya", "kami", "kita", "anda", "kamu", "dia", "ia", "mereka", "beliau", "apakah",
    "apa", "bolehkah", "boleh", "diperbolehkan", "dibolehkan", "bisakah", "bisa", "dapatkah",
    "dapat", "benarkah", "sih", "dong", "deh", "ya", "yah", "kan", "nih", "tuh", "loh", "lho",
    "kok", "gitu", "gini", "begitu", "begini", "tidak", "bukan", "jangan", "termasuk", "dilarang",
    "larangan", "melarang", "terlarang", "terus", "lalu", "kemudian", "tapi", "tetapi", "namun",
    "sama", "seperti", "memang", "sekali", "banget", "cuma", "hanya", "sekadar", "sekedar",
    "tolong", "mohon", "izinkah", "gimana", "bagaimanakah", "tadi", "nanti", "kalian", "ok", "oke",
    "aman", "masalah", "salah", "benar", "sebenarnya", "sebetulnya", "bagi", "olehnya", "pak", "bu",
    "mas", "mbak", "kak", "bang", "dulu", "nah", "wah", "eh", "hmm", "sedangkan", "sehingga",
    "walaupun", "meskipun", "asal", "asalkan", "ketika", "saat", "sambil", "sudahkah", "sekarang",
    "apanya", "tsb", "dll", "dsb", "jadi", "menjadi", "seorang", "sebuah", "kira", "kiranya",
    "mungkin", "perlu", "harusnya", "kepada", "terhadap", "ketahuan", "kedapatan",
    "kemarin", "btw", "guys", "tanya", "bertanya", "menanyakan", "ditanyakan",
    // English.
    "the", "a", "an", "is", "are", "am", "was", "were", "be", "been", "being", "to", "of", "in",
    "on", "at", "for", "with", "as", "by", "from", "i", "me", "my", "we", "our", "you", "your",
    "he", "him", "his", "she", "her", "it", "its", "they", "them", "their", "this", "that", "these",
    "those", "can", "could", "may", "might", "should", "would", "will", "shall", "do", "does",
    "did", "have", "has", "had", "allowed", "permitted", "okay", "fine", "not", "no", "dont",
    "doesnt", "didnt", "isnt", "arent", "cant", "cannot", "wont", "im", "don", "doesn", "didn",
    "isn", "aren", "shouldn", "wouldn", "couldn", "haven", "hasn", "wasn", "weren", "ive", "and",
    "or", "but", "if", "so", "just", "only", "also", "too", "still", "even", "about", "there",
    "any", "some", "what", "whats", "then", "into", "than", "because", "while", "since", "myself",
    "someone", "something", "thing", "really", "actually", "please", "hey", "illegal", "forbidden",
    "prohibited", "against", "need", "must", "want", "wants",
];

/// Words after which a question names the action it asks about ("bolehkah saya [ikut] ...",
/// "can I [attend] ...", "allowed to [report] ...").
#[rustfmt::skip]
pub(crate) const PERMISSION_FRAMES: &[&str] = &[
    "boleh", "bolehkah", "blh", "bole", "dilarang", "diperbolehkan", "dibolehkan", "bisakah",
    "can", "may", "allowed", "permitted", "forbidden", "prohibited", "okay",
];

/// Skipped when looking for the action after a frame: who is asking or asked about, and light
/// verbs whose object is the real action ("memberi [komentar]", "ikut [kampanye]", "make a [post]").
#[rustfmt::skip]
pub(crate) const FOCUS_SKIP: &[&str] = &[
    "asn", "pppk", "cpns", "honorer", "pegawai", "guru", "pejabat", "kepala", "i", "we", "you",
    "employee", "employees", "government", "officer", "official", "staff", "memberi", "memberikan",
    "beri", "kasih", "melakukan", "membuat", "ikut", "mengikuti", "turut", "make", "give", "do",
    "take", "get", "go", "pergi", "datang", "come", "hadir",
];

/// Words that mark the sentence carrying the question in a longer message.
#[rustfmt::skip]
pub(crate) const QUESTION_MARKERS: &[&str] = &[
    "boleh", "bolehkah", "apakah", "apa", "bisakah", "bisa", "bagaimana", "gimana", "gmn", "kapan",
    "mana", "siapa", "berapa", "benarkah", "dilarang", "kah", "aman", "can", "may", "could",
    "should", "is", "are", "do", "does", "what", "when", "where", "who", "which", "how", "allowed",
];

/// Words that only English uses, for telling the question's language.
#[rustfmt::skip]
pub(crate) const ENGLISH_HINTS: &[&str] = &[
    "the", "a", "an", "is", "are", "am", "was", "were", "be", "to", "of", "in", "on", "at", "for",
    "with", "i", "me", "my", "we", "you", "your", "he", "his", "she", "her", "it", "they", "their",
    "this", "that", "can", "could", "may", "should", "would", "will", "do", "does", "did", "have",
    "has", "what", "when", "where", "who", "which", "how", "allowed", "if", "and", "or", "not",
    "civil", "servant", "servants", "election", "candidate", "candidates", "vote", "campaign",
    "post", "there", "about", "from", "okay", "share", "rules",
];

/// Words that only Indonesian uses.
#[rustfmt::skip]
pub(crate) const INDONESIAN_HINTS: &[&str] = &[
    "yang", "di", "ke", "dari", "dan", "atau", "itu", "ini", "untuk", "dengan", "pada", "saya",
    "boleh", "bolehkah", "apakah", "apa", "tidak", "gak", "ga", "nggak", "kalau", "kalo", "sy",
    "yg", "sudah", "belum", "akan", "jadi", "ikut", "calon", "paslon", "kampanye", "bagaimana",
    "gimana", "kapan", "siapa", "mana", "ada", "juga", "saja", "aja", "mau", "sebagai", "dalam",
    "dilarang", "pilkada", "pemilu", "caleg", "tim", "sukses", "partai", "kah", "sih", "dong",
    "nya", "kami", "kita", "dia", "karena", "harus",
];

/// Words that place a question in elections. A question without any of them is more likely about
/// something else (leave, salary, a friend's photo); the classifier learns how much that counts
/// for each rule, so a rule whose questions often lack these words ("pose dua jari") is not hurt.
#[rustfmt::skip]
pub(crate) const ELECTION_TERMS: &[&str] = &[
    "pemilu", "pilkada", "pileg", "pilpres", "pemilihan", "calon", "kandidat", "kampanye", "partai",
    "politik", "netral", "netralitas", "tps", "coblos", "kpu", "bawaslu", "panwascam", "kpps",
    "pps", "pantarlih", "suara", "golput", "sukses", "pemenangan", "relawan", "deklarasi", "debat",
    "ikrar", "baliho", "spanduk", "atribut", "twibbon", "amplop", "fajar", "dukungan", "mendukung",
    "h", "election", "elections", "candidate", "candidates", "campaign", "party", "parties",
    "politics", "political", "neutral", "neutrality", "vote", "voting", "ballot", "polling", "poll",
    "pledge", "rally", "banner", "volunteer", "support", "declaration", "debate", "legislatif",
    "dprd", "dpr", "dpd", "poster", "posters", "run", "running", "parliament", "candidacy",
    "nomination", "elected", "mencalonkan", "nyalon", "pelanggaran", "melanggar", "violation",
    "violate", "breach", "incumbent", "petahana",
];
