personal-private-only = I only show personal data in a private chat. Please message me privately: { $link }
