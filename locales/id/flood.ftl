flood-slow-down = Pelan-pelan ya 🙏 Pesan Anda terlalu banyak dalam waktu singkat, jadi sebagian tidak kami proses. Tunggu sebentar, lalu kirim lagi yang masih perlu dijawab.
