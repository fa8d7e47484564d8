start-greeting = Halo, { $name }!
help-title = Perintah yang tersedia:
