personal-private-only = Data pribadi hanya saya tampilkan di chat pribadi. Silakan kirim pesan pribadi kepada saya: { $link }
